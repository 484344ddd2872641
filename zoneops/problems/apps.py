from django.apps import AppConfig

from zoneops.org.permissions import Duty


class ProblemsConfig(AppConfig):
    name = "zoneops.problems"
    label = "problems"
    verbose_name = "问题台账"
    permissions = {
        "problem.view": ("查看问题", Duty.BUSINESS),
        "problem.raise": ("提出问题", Duty.BUSINESS),
        "problem.assign": ("交办、挂账问题", Duty.BUSINESS),
        "problem.handle": ("办理交办问题", Duty.BUSINESS),
        "problem.close": ("审核问题销号", Duty.BUSINESS),
        "problem.rules": ("维护问题分类与规则", Duty.BUSINESS),
    }

    def ready(self):
        from zoneops.core import workbench
        from zoneops.problems.workbench import problem_items

        workbench.register("problems", problem_items)
