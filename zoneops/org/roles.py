"""The built-in roles every zone starts with; admins can add their own."""

from zoneops.org.permissions import Duty

VIEW = ["unit.view", "person.view"]
ENTERPRISE_ALL = ["enterprise.view", "enterprise.edit", "enterprise.contact"]
PROJECT_ALL = ["project.view", "project.edit", "project.stage", "project.report", "project.review",
               "project.approval", "project.rules", "project.replan"]
# 销号 is approved by the raiser or a leader (problem.close), not by the office that assigns.
PROBLEM_OFFICE = ["problem.view", "problem.raise", "problem.assign", "problem.handle", "problem.rules"]
PROBLEM_WORK = ["problem.view", "problem.raise", "problem.handle"]
# 督办调度: the project office runs the meetings and issues tasks; leaders issue and accept them; units handle.
DISPATCH_OFFICE = ["task.view", "task.issue", "task.handle", "meeting.view", "meeting.manage"]
DISPATCH_WORK = ["task.view", "task.handle", "meeting.view"]

BUILTIN_ROLES = [
    {"code": "system_admin", "name": "系统管理员", "duty": Duty.SYSTEM_ADMIN,
     "permissions": VIEW + ["unit.manage", "person.manage", "calendar.manage"],
     "description": "管理单位与人员，不能授权、不能查看审计日志"},
    {"code": "security_admin", "name": "安全管理员", "duty": Duty.SECURITY_ADMIN,
     "permissions": VIEW + ["role.manage", "grant.manage", "account.unlock"],
     "description": "管理角色、授权与账号锁定"},
    {"code": "auditor", "name": "审计管理员", "duty": Duty.AUDITOR,
     "permissions": ["audit.view"], "description": "只读审计日志，不能修改人员与授权"},
    {"code": "leader", "name": "区领导", "duty": Duty.BUSINESS,
     "permissions": VIEW + ["project.view", "problem.view", "problem.close", "enterprise.view", "enterprise.contact",
                           "task.view", "task.issue", "meeting.view"],
     "description": "查看全区数据，包联项目与线索"},
    {"code": "investment", "name": "招商业务", "duty": Duty.BUSINESS,
     "permissions": VIEW + ["project.view"] + ENTERPRISE_ALL,
     "description": "招商局、驻外招商组：线索、签约、到位资金"},
    {"code": "projects", "name": "项目管理", "duty": Duty.BUSINESS,
     "permissions": VIEW + PROJECT_ALL + PROBLEM_OFFICE + DISPATCH_OFFICE,
     "description": "项目办：项目库、节点、调度"},
    {"code": "department", "name": "部门业务", "duty": Duty.BUSINESS,
     "permissions": VIEW + ["project.view", "project.approval"] + PROBLEM_WORK + DISPATCH_WORK,
     "description": "职能部门：办理交办问题与审批"},
    {"code": "township", "name": "乡镇园区业务", "duty": Duty.BUSINESS,
     "permissions": VIEW + ["project.view", "project.edit", "project.report", "enterprise.view", "enterprise.edit"]
                    + PROBLEM_WORK + DISPATCH_WORK,
     "description": "乡镇、园区：本辖区项目与线索"},
    {"code": "commissioner", "name": "项目专员", "duty": Duty.BUSINESS,
     "permissions": ["unit.view", "project.view", "project.report"],
     "description": "负责具体项目的进度填报（通常授予“仅本人”范围）"},
]


def sync_builtin_roles(role_model):
    """Create missing built-in roles and bring their permissions up to date (used by migrations)."""
    for spec in BUILTIN_ROLES:
        role_model.objects.update_or_create(
            code=spec["code"],
            defaults={"name": spec["name"], "duty": spec["duty"], "permissions": sorted(spec["permissions"]),
                      "description": spec["description"], "is_builtin": True},
        )
