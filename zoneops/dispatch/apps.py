from django.apps import AppConfig

from zoneops.org.permissions import Duty


class DispatchConfig(AppConfig):
    name = "zoneops.dispatch"
    label = "dispatch"
    verbose_name = "督办调度"
    permissions = {
        "task.view": ("查看督办事项", Duty.BUSINESS),
        "task.issue": ("交办、审核督办事项", Duty.BUSINESS),
        "task.handle": ("办理督办事项", Duty.BUSINESS),
        "meeting.view": ("查看调度会", Duty.BUSINESS),
        "meeting.manage": ("组织调度会（议程、出席、决定、纪要）", Duty.BUSINESS),
    }

    def ready(self):
        from zoneops.core import workbench
        from zoneops.dispatch.workbench import task_items

        workbench.register("dispatch", task_items)
