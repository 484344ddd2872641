"""The left navigation: modules and their pages, each shown only to people who may use it."""

from dataclasses import dataclass

from django.urls import reverse

from zoneops.org.scope import has_permission


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str
    icon: str = "circle"


@dataclass(frozen=True)
class NavModule:
    label: str
    icon: str
    items: tuple


# Later modules add their entries here; a module with no visible item is hidden.
MODULES = (
    NavModule("项目建设", "building", (
        NavItem("项目库", "projects:list", "project.view", "kanban"),
        NavItem("我的项目", "projects:mine", "project.view", "person-workspace"),
        NavItem("挂图作战", "projects:battle_map", "project.view", "flag"),
        NavItem("我的填报", "projects:report_queue", "project.report", "inbox"),
        NavItem("进度填报", "projects:reports", "project.view", "clipboard-data"),
        NavItem("待审核", "projects:review_queue", "project.review", "check2-square"),
        NavItem("入库纳统", "projects:stats", "project.view", "clipboard-check"),
        NavItem("节点模板", "projects:templates", "project.rules", "list-ol"),
        NavItem("项目规则", "projects:rules", "project.rules", "sliders"),
    )),
    NavModule("督办调度", "megaphone", (
        NavItem("工作台", "workbench:index", "unit.view", "inbox"),
        NavItem("问题台账", "problems:list", "problem.view", "exclamation-diamond"),
        NavItem("问题分类", "problems:categories", "problem.rules", "tags"),
        NavItem("督办事项", "dispatch:task_list", "task.view", "list-check"),
        NavItem("调度会", "dispatch:meeting_list", "meeting.view", "calendar-event"),
    )),
    NavModule("招商引资", "briefcase", (
        NavItem("企业库", "enterprises:list", "enterprise.view", "buildings"),
    )),
    NavModule("系统管理", "gear", (
        NavItem("单位管理", "org:unit_list", "unit.view", "diagram-3"),
        NavItem("人员管理", "org:person_list", "person.view", "people"),
        NavItem("角色管理", "org:role_list", "role.manage", "person-badge"),
        NavItem("授权管理", "org:grant_list", "grant.manage", "key"),
        NavItem("工作日历", "org:calendar", "unit.view", "calendar3"),
        NavItem("群机器人", "notifications:robots", "unit.manage", "robot"),
    )),
    NavModule("安全审计", "shield-check", (
        NavItem("审计日志", "audit:entry_list", "audit.view", "journal-text"),
    )),
)


def visible_modules(user):
    modules = []
    for module in MODULES:
        items = [
            {"label": item.label, "url": reverse(item.url_name), "icon": item.icon}
            for item in module.items
            if has_permission(user, item.permission)
        ]
        if items:
            modules.append({"label": module.label, "icon": module.icon, "items": items})
    return modules


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from zoneops.org.selectors import describe_roles

    return {"nav_modules": visible_modules(user), "nav_roles": describe_roles(user)}
