"""The stage history moves into core's shared transition table without losing a row."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("projects", "0006_period_figures_and_unit_targets"), ("core", "0003_transition_history")]
AFTER = [("projects", "0007_rules_per_unit_backfill_stage_history")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stage_changes_become_transition_records_and_projects_report_from_their_entry():
    old = _migrate(BEFORE)
    Unit = old.get_model("org", "Unit")
    Project = old.get_model("projects", "Project")
    StageChange = old.get_model("projects", "StageChange")
    unit = Unit.objects.create(code="m-unit", name="迁移单位", kind="zone", path="", depth=0)
    Unit.objects.filter(pk=unit.pk).update(path=f"{unit.pk}/")
    project = Project.objects.create(name="迁移项目", enterprise="某公司", responsible_unit=unit,
                                     total_investment=1, stage="signed")
    entered = timezone.make_aware(datetime(2025, 4, 9, 10, 0))
    Project.objects.filter(pk=project.pk).update(created_at=entered)
    StageChange.objects.create(project=project, from_stage="reserve", to_stage="signed",
                               effective_on=date(2025, 4, 1), reason="签约仪式")
    try:
        new = _migrate(AFTER)
        record = new.get_model("core", "TransitionRecord").objects.get()
        assert (record.machine, record.object_id, record.from_state, record.to_state, record.reason,
                record.effective_on) == ("project.stage", project.pk, "reserve", "signed", "签约仪式",
                                         date(2025, 4, 1))
        assert record.content_type.model == "project"
        assert new.get_model("projects", "Project").objects.get().reporting_from == date(2025, 4, 9)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


INCLUSION_BEFORE = [("projects", "0007_rules_per_unit_backfill_stage_history")]
INCLUSION_AFTER = [("projects", "0008_inclusion_follows_stage")]


@pytest.mark.django_db(transaction=True)
def test_existing_inclusions_and_stages_are_brought_into_line(tree):
    old = _migrate(INCLUSION_BEFORE)
    Project = old.get_model("projects", "Project")
    Stats = old.get_model("projects", "StatsInclusion")

    def project(name, stage, in_stats_on=None):
        return Project.objects.create(name=name, enterprise="某公司", responsible_unit_id=tree.town_a.pk,
                                      total_investment=1, stage=stage, in_stats_on=in_stats_on)

    included_early = project("已入库未纳统", "started")
    no_inclusion = project("已纳统无记录", "building", date(2026, 2, 1))
    planned_only = project("已纳统仅计划", "building", date(2026, 2, 1))
    Stats.objects.create(project=included_early, planned_year=2026, planned_quarter=1, status="included",
                         included_on=date(2026, 4, 20))
    Stats.objects.create(project=planned_only, planned_year=2026, planned_quarter=1, status="preparing")
    try:
        new = _migrate(INCLUSION_AFTER)
        Project, Stats = new.get_model("projects", "Project"), new.get_model("projects", "StatsInclusion")
        moved = Project.objects.get(pk=included_early.pk)
        assert (moved.stage, moved.in_stats_on) == ("in_stats", date(2026, 4, 20))
        record = new.get_model("core", "TransitionRecord").objects.get(object_id=moved.pk)
        assert (record.from_state, record.to_state, record.effective_on) == ("started", "in_stats",
                                                                             date(2026, 4, 20))
        assert Stats.objects.get(project_id=no_inclusion.pk).included_on == date(2026, 2, 1)
        completed = Stats.objects.get(project_id=planned_only.pk)
        assert (completed.status, completed.included_on) == ("included", date(2026, 2, 1))
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
