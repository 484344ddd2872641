"""The catalogue of permissions a role can hold, and which admin duty each belongs to.

三权分立 (等保2.0 level 3): the system admin manages units and people, the security admin manages
roles, grants and account locks, the auditor reads the audit log. A role belongs to one duty and
may hold that duty's permissions plus everyday read permissions; business roles hold no admin
permission at all. Later modules add their permissions here, in one place.
"""

from django.db import models


class Duty(models.TextChoices):
    BUSINESS = "business", "业务"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


# code: (label, duty that may hold it; BUSINESS means any role may)
PERMISSIONS = {
    "unit.view": ("查看单位", Duty.BUSINESS),
    "person.view": ("查看人员", Duty.BUSINESS),
    "unit.manage": ("管理单位", Duty.SYSTEM_ADMIN),
    "person.manage": ("管理人员", Duty.SYSTEM_ADMIN),
    "calendar.manage": ("维护工作日历", Duty.SYSTEM_ADMIN),
    "role.manage": ("管理角色", Duty.SECURITY_ADMIN),
    "grant.manage": ("授权", Duty.SECURITY_ADMIN),
    "account.unlock": ("解锁账号", Duty.SECURITY_ADMIN),
    "audit.view": ("查看审计日志", Duty.AUDITOR),
    "project.view": ("查看项目", Duty.BUSINESS),
    "project.edit": ("录入和修改项目", Duty.BUSINESS),
    "project.stage": ("变更项目阶段", Duty.BUSINESS),
    "project.report": ("填报项目进度", Duty.BUSINESS),
    "project.review": ("审核进度填报", Duty.BUSINESS),
    "project.approval": ("登记审批事项", Duty.BUSINESS),
    "project.rules": ("维护项目规则与纳统计划", Duty.BUSINESS),
}


def permission_choices():
    return [(code, label) for code, (label, _duty) in PERMISSIONS.items()]


def permissions_not_allowed(duty, codes):
    """The codes a role of ``duty`` may not hold (unknown codes included)."""
    bad = []
    for code in codes:
        entry = PERMISSIONS.get(code)
        if entry is None or entry[1] not in (Duty.BUSINESS, duty):
            bad.append(code)
    return bad
