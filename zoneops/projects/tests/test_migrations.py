"""Migration 0007 brings existing inclusions and stages into line (the lead renumbers it at merge:
update BEFORE and AFTER with it)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from zoneops.projects.models import Project as P
from zoneops.projects.models import StatsInclusion as S

BEFORE, AFTER = "0006_period_figures_and_unit_targets", "0007_inclusion_follows_stage"


@pytest.mark.django_db(transaction=True)
def test_existing_inclusions_and_stages_are_brought_into_line(tree):
    executor = MigrationExecutor(connection)
    executor.migrate([("projects", BEFORE)])
    apps = executor.loader.project_state([("projects", BEFORE)]).apps
    Project = apps.get_model("projects", "Project")
    Stats = apps.get_model("projects", "StatsInclusion")
    a = Project.objects.create(name="a", enterprise="e", responsible_unit_id=tree.town_a.pk, total_investment=1,
                               stage="started", version=1)
    b = Project.objects.create(name="b", enterprise="e", responsible_unit_id=tree.town_a.pk, total_investment=1,
                               stage="building", in_stats_on=date(2026, 2, 1), version=1)
    c = Project.objects.create(name="c", enterprise="e", responsible_unit_id=tree.town_a.pk, total_investment=1,
                               stage="building", in_stats_on=date(2026, 2, 1), version=1)
    Stats.objects.create(project=a, planned_year=2026, planned_quarter=1, status="included",
                         included_on=date(2026, 4, 20))
    Stats.objects.create(project=c, planned_year=2026, planned_quarter=1, status="preparing")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("projects", AFTER)])
    pa = P.objects.get(pk=a.pk)
    assert (pa.stage, pa.in_stats_on) == ("in_stats", date(2026, 4, 20))
    assert pa.stage_changes.count() == 1
    assert S.objects.get(project_id=b.pk).included_on == date(2026, 2, 1)
    sc = S.objects.get(project_id=c.pk)
    assert (sc.status, sc.included_on) == ("included", date(2026, 2, 1))


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
