"""Bring existing inclusions and stages into line (已入库 ⇔ the project has a 纳统 date, same date).

Where both exist the inclusion's date wins (it is the statistics office's record). A project with a 纳统
date and no inclusion gets one. An inclusion marked 已入库 whose project never reached 纳统 brings the
project to 纳统 on that date, with a stage-history row saying why.
"""

from django.db import migrations

STAGES_BEFORE_IN_STATS = ("reserve", "signed", "preparing", "started")
MACHINE = "project.stage"


def reconcile(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    StatsInclusion = apps.get_model("projects", "StatsInclusion")
    TransitionRecord = apps.get_model("core", "TransitionRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.get_or_create(app_label="projects", model="project")[0]
    for stats in StatsInclusion.objects.filter(status="included", included_on__isnull=False).select_related("project"):
        project = stats.project
        if project.in_stats_on == stats.included_on:
            continue
        fields = {"in_stats_on": stats.included_on}
        if project.stage in STAGES_BEFORE_IN_STATS:
            TransitionRecord.objects.create(machine=MACHINE, content_type=content_type, object_id=project.pk,
                                            from_state=project.stage, to_state="in_stats", kind="skip",
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
    dependencies = [("projects", "0007_rules_per_unit_backfill_stage_history"), ("core", "0003_transition_history")]

    operations = [migrations.RunPython(reconcile, migrations.RunPython.noop)]
