from django.apps import AppConfig

from zoneops.org.permissions import Duty


class ProjectsConfig(AppConfig):
    name = "zoneops.projects"
    label = "projects"
    verbose_name = "项目建设"
    permissions = {
        "project.view": ("查看项目", Duty.BUSINESS),
        "project.edit": ("录入和修改项目", Duty.BUSINESS),
        "project.stage": ("变更项目阶段", Duty.BUSINESS),
        "project.report": ("填报项目进度", Duty.BUSINESS),
        "project.review": ("审核进度填报", Duty.BUSINESS),
        "project.replan": ("审批节点计划调整", Duty.BUSINESS),
        "project.approval": ("登记审批事项", Duty.BUSINESS),
        "project.rules": ("维护项目规则与纳统计划", Duty.BUSINESS),
    }

    def ready(self):
        from zoneops.core import workbench
        from zoneops.projects.workbench import project_items

        workbench.register("projects", project_items)
