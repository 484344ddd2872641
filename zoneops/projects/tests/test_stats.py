"""入库纳统: an inclusion and the project's stage never disagree; quarter targets belong to a unit and are scoped."""

from datetime import date

import pytest

from zoneops.audit.context import Actor
from zoneops.core.errors import ValidationError
from zoneops.org.models import Scope, UnitKind
from zoneops.org.tests.factories import PersonFactory, UnitFactory, grant
from zoneops.projects import selectors, services
from zoneops.projects.choices import Stage, StatsStatus
from zoneops.projects.models import Project, StatsInclusion
from zoneops.projects.tests.factories import ProjectFactory

SYSTEM = Actor.system()
pytestmark = pytest.mark.usefixtures("fixed_today")


def _started(tree, **fields):
    project = ProjectFactory(responsible_unit=tree.town_a, **fields)
    return services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.STARTED, reason="补录",
                                         effective_on=date(2026, 2, 1))


def _save(project, status, included_on=None):
    return services.stats_inclusion_save(actor=SYSTEM, project=project, planned_year=2026, planned_quarter=1,
                                         status=status, documents={}, included_on=included_on)


def _agree(project):
    project = Project.objects.get(pk=project.pk)
    stats = StatsInclusion.objects.filter(project=project).first()
    included = stats is not None and stats.status == StatsStatus.INCLUDED
    assert included == (project.in_stats_on is not None)
    if included:
        assert stats.included_on == project.in_stats_on
    return project, stats


class TestInclusionAndStageAgree:
    def test_recording_an_inclusion_brings_the_project_to_in_stats_on_that_date(self, tree):
        project = _started(tree)
        _save(project, StatsStatus.INCLUDED, date(2026, 4, 20))
        project, stats = _agree(project)
        assert (project.stage, project.in_stats_on) == (Stage.IN_STATS, date(2026, 4, 20))
        assert project.transitions.filter(to_state=Stage.IN_STATS, effective_on=date(2026, 4, 20)).exists()

    def test_an_inclusion_for_a_project_already_past_in_stats_moves_its_date(self, tree):
        project = _started(tree)
        project = services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.BUILDING,
                                                reason="补录", effective_on=date(2026, 5, 1))
        _save(project, StatsStatus.INCLUDED, date(2026, 4, 20))
        project, _stats = _agree(project)
        assert (project.stage, project.in_stats_on) == (Stage.BUILDING, date(2026, 4, 20))

    def test_reaching_in_stats_records_the_inclusion(self, tree):
        project = _started(tree)
        _save(project, StatsStatus.SUBMITTED)
        services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.IN_STATS,
                                      effective_on=date(2026, 6, 3))
        _project, stats = _agree(project)
        assert (stats.status, stats.included_on, stats.planned_quarter) == (StatsStatus.INCLUDED, date(2026, 6, 3), 1)

    def test_reaching_in_stats_without_a_plan_creates_the_inclusion(self, tree):
        project = _started(tree)
        services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.IN_STATS,
                                      effective_on=date(2026, 8, 3))
        _project, stats = _agree(project)
        assert (stats.planned_year, stats.planned_quarter) == (2026, 3)

    def test_stepping_back_before_in_stats_withdraws_the_inclusion(self, tree):
        project = _started(tree)
        _save(project, StatsStatus.INCLUDED, date(2026, 4, 20))
        services.project_change_stage(actor=SYSTEM, project=Project.objects.get(pk=project.pk),
                                      to_stage=Stage.STARTED, reason="误报")
        _project, stats = _agree(project)
        assert (stats.status, stats.included_on) == (StatsStatus.SUBMITTED, None)

    def test_a_project_in_stats_cannot_be_marked_anything_but_included(self, tree):
        project = _started(tree)
        _save(project, StatsStatus.INCLUDED, date(2026, 4, 20))
        with pytest.raises(ValidationError, match="回退项目阶段"):
            _save(Project.objects.get(pk=project.pk), StatsStatus.PREPARING)
        _agree(project)

    def test_a_terminated_project_cannot_be_included(self, tree):
        project = services.project_change_stage(actor=SYSTEM, project=_started(tree), to_stage=Stage.CANCELLED,
                                                reason="企业撤资", effective_on=date(2026, 3, 1))
        with pytest.raises(ValidationError, match="不能登记入库"):
            _save(project, StatsStatus.INCLUDED, date(2026, 4, 20))
        _agree(project)

    def test_an_inclusion_needs_a_date_not_in_the_future(self, tree):
        project = _started(tree)
        with pytest.raises(ValidationError, match="入库日期"):
            _save(project, StatsStatus.INCLUDED)
        with pytest.raises(ValidationError, match="晚于今天"):
            _save(project, StatsStatus.INCLUDED, date(2026, 12, 1))
        _agree(project)

    def test_the_stats_page_form_keeps_them_in_line(self, client, tree):
        project = _started(tree)
        office = PersonFactory(unit=tree.zone)
        grant(office, "projects", scope=Scope.UNIT_TREE)
        client.force_login(office)
        response = client.post(f"/projects/{project.pk}/stats/", {
            "planned_year": 2026, "planned_quarter": 1, "status": "included", "included_on": "2026-04-20"})
        assert response.status_code == 302
        project, _stats = _agree(project)
        assert project.stage == Stage.IN_STATS


class TestQuarterTargets:
    @pytest.fixture
    def zones(self, tree):
        other = UnitFactory(code="zone-2", name="高新区", kind=UnitKind.ZONE, parent=tree.city)
        ours_office = PersonFactory(unit=tree.zone)
        grant(ours_office, "projects", scope=Scope.UNIT_TREE)
        their_office = PersonFactory(unit=other)
        grant(their_office, "projects", scope=Scope.UNIT_TREE)
        services.stats_target_save(actor=SYSTEM, unit=tree.zone, year=2026, quarter=2, target_count=15)
        services.stats_target_save(actor=SYSTEM, unit=other, year=2026, quarter=2, target_count=7)
        return type("Zones", (), {"other": other, "ours": ours_office, "theirs": their_office})

    def test_one_zones_target_never_shows_to_another_zones_users(self, client, tree, zones):
        ours = selectors.stats_targets(user=zones.ours, year=2026)
        theirs = selectors.stats_targets(user=zones.theirs, year=2026)
        assert [row["unit"] for row in ours] == [tree.zone]
        assert [row["unit"] for row in theirs] == [zones.other]
        client.force_login(zones.theirs)
        page = client.get("/projects/stats/", {"year": 2026}).content.decode()
        assert "高新区" in page and "经开区" not in page
        rules = client.get("/projects/rules/").content.decode()
        assert "高新区2026年第2季度 7个" in rules and "经开区2026年" not in rules

    def test_progress_against_a_target_counts_inclusions_by_date_below_the_unit(self, tree, zones):
        project = _started(tree)
        _save(project, StatsStatus.INCLUDED, date(2026, 4, 20))  # planned Q1, included in Q2
        row = selectors.stats_targets(user=zones.ours, year=2026)[0]
        assert row["quarters"][1] == {"target": 15, "included": 1, "percent": 7}
        assert row["quarters"][0] is None
        assert selectors.stats_targets(user=zones.theirs, year=2026)[0]["quarters"][1]["included"] == 0

    def test_a_target_can_only_be_set_for_a_unit_in_reach(self, tree, zones):
        with pytest.raises(Exception, match="无权"):
            services.stats_target_save(actor=Actor(person=zones.theirs), unit=tree.zone, year=2026, quarter=3,
                                       target_count=1)
