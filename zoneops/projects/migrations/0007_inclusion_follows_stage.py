"""Bring existing inclusions and stages into line (已入库 ⇔ the project has a 纳统 date, same date).

Where both exist the inclusion's date wins (it is the statistics office's record). A project with a 纳统
date and no inclusion gets one. An inclusion marked 已入库 whose project never reached 纳统 brings the
project to 纳统 on that date, with a stage-history row saying why.
"""

from django.db import migrations

STAGES_BEFORE_IN_STATS = ("reserve", "signed", "preparing", "started")


def reconcile(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    StatsInclusion = apps.get_model("projects", "StatsInclusion")
    StageChange = apps.get_model("projects", "StageChange")
    for stats in StatsInclusion.objects.filter(status="included", included_on__isnull=False).select_related("project"):
        project = stats.project
        if project.in_stats_on == stats.included_on:
            continue
        fields = {"in_stats_on": stats.included_on}
        if project.stage in STAGES_BEFORE_IN_STATS:
            StageChange.objects.create(project=project, from_stage=project.stage, to_stage="in_stats",
                                       effective_on=stats.included_on,
                                       reason="入库纳统数据校正：已入库的项目进入纳统阶段")
            fields["stage"] = "in_stats"
        Project.objects.filter(pk=project.pk).update(**fields)
    for project in Project.objects.filter(in_stats_on__isnull=False).exclude(stats__status="included"):
        day = project.in_stats_on
        StatsInclusion.objects.update_or_create(project=project, defaults={
            "status": "included", "included_on": day}, create_defaults={
            "status": "included", "included_on": day, "planned_year": day.year,
            "planned_quarter": (day.month - 1) // 3 + 1})


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_period_figures_and_unit_targets")]

    operations = [migrations.RunPython(reconcile, migrations.RunPython.noop)]
