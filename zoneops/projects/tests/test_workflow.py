"""Projects on the core workflow primitives: the stage machine, rules per unit inherited down the tree,
fill-in windows with 补录, and the rules that used to be hard-coded."""

from datetime import date
from pathlib import Path

import pytest

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.errors import PermissionDenied
from zoneops.core.money import YUAN_PER_WAN
from zoneops.org.models import Scope, UnitKind
from zoneops.org.tests.factories import PersonFactory, UnitFactory, grant
from zoneops.projects import selectors, services
from zoneops.projects.choices import Stage
from zoneops.projects.models import ProjectRules
from zoneops.projects.stages import STAGE_MACHINE, stage_history
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
SYSTEM = Actor.system()
TODAY = date(2026, 11, 23)


@pytest.fixture
def parks(tree):
    park = UnitFactory(code="park-a", name="装备园", kind=UnitKind.PARK, parent=tree.zone)
    neighbour = UnitFactory(code="park-b", name="食品园", kind=UnitKind.PARK, parent=tree.zone)
    workshop = UnitFactory(code="park-a-1", name="装备园一区", kind=UnitKind.OTHER, parent=park)
    return type("Parks", (), {"park": park, "neighbour": neighbour, "workshop": workshop})


def _with_slow_approval(unit):
    project = ProjectFactory(responsible_unit=unit)
    # 2026-09-01 → 2026-10-30 crosses National Day: 36 working days.
    services.approval_save(actor=SYSTEM, project=project, stage="land_planning", name="用地规划许可",
                           limit_workdays=60, accepted_on=date(2026, 9, 1), done_on=date(2026, 10, 30))
    return project


def _annotated(project):
    leader = PersonFactory(unit=project.responsible_unit)
    grant(leader, "leader", scope=Scope.ALL)
    return selectors.with_lights(list(selectors.project_queryset(user=leader).filter(pk=project.pk)))[0]


def _start(project, on, reason="补录"):
    services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.STARTED, reason=reason,
                                  effective_on=on)
    project.refresh_from_db()
    return project


class TestRulesPerUnit:
    def test_a_parks_whole_process_limit_applies_to_its_project_and_not_its_neighbours(self, tree, parks):
        services.rules_update(actor=SYSTEM, unit=parks.park, whole_approval_workdays=25)
        ours, theirs = _with_slow_approval(parks.park), _with_slow_approval(parks.neighbour)
        _items, (_pre, whole) = selectors.approval_spans(ours, selectors.rules_for(ours), TODAY)
        assert (whole.allowed, whole.over) == (25, True)
        _items, (_pre, whole) = selectors.approval_spans(theirs, selectors.rules_for(theirs), TODAY)
        assert (whole.allowed, whole.over) == (120, False)
        assert ProjectRules.for_unit(tree.zone).whole_approval_workdays == 120

    def test_rules_are_inherited_down_the_tree_until_a_unit_sets_its_own(self, tree, parks):
        services.rules_update(actor=SYSTEM, unit=tree.zone, report_window_days=8)
        services.rules_update(actor=SYSTEM, unit=parks.park, whole_approval_workdays=25)
        below = ProjectRules.for_unit(parks.workshop)
        assert below.unit == parks.park and below.whole_approval_workdays == 25
        # The park's row started from what it inherited from the zone, not from the platform default.
        assert below.report_window_days == 8
        assert ProjectRules.for_unit(parks.neighbour).report_window_days == 8
        assert ProjectRules.for_unit(tree.city).report_window_days == 5
        services.rules_inherit(actor=SYSTEM, unit=parks.park)
        assert ProjectRules.for_unit(parks.workshop).whole_approval_workdays == 120

    def test_one_rules_row_per_unit_and_one_platform_default(self, tree):
        from django.db import IntegrityError, transaction

        ProjectRules.current()
        services.rules_update(actor=SYSTEM, unit=tree.zone, report_window_days=8)
        for unit in (None, tree.zone):
            with pytest.raises(IntegrityError), transaction.atomic():
                ProjectRules.objects.create(unit=unit)

    def test_the_light_follows_the_projects_unit(self, parks):
        services.rules_update(actor=SYSTEM, unit=parks.park, red_missing_reports=1)
        ours, theirs = (_start(ProjectFactory(responsible_unit=unit, year_plan_investment=0), date(2026, 9, 10))
                        for unit in (parks.park, parks.neighbour))
        # One missing period each (October; November's window is open, September filed).
        for project in (ours, theirs):
            services.progress_report_submit(actor=SYSTEM, project=project, period_key="2026-09", invested=1,
                                            progress_text="基础施工", percent=5)
        assert _annotated(ours).verdict.light == "red"
        assert _annotated(theirs).verdict.light == "yellow"

    def test_the_statistics_threshold_is_per_unit(self, parks):
        services.rules_update(actor=SYSTEM, unit=parks.park, stats_threshold=20_000 * YUAN_PER_WAN)
        ours, theirs = (ProjectFactory(responsible_unit=unit, total_investment=10_000 * YUAN_PER_WAN)
                        for unit in (parks.park, parks.neighbour))
        for project in (ours, theirs):
            services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.SIGNED)
            services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.PREPARING)
        leader = PersonFactory(unit=parks.park)
        grant(leader, "leader", scope=Scope.ALL)
        assert list(selectors.stats_candidates(user=leader)) == [theirs]

    def test_editing_a_units_rules_needs_project_rules_reaching_that_unit(self, tree, parks):
        park_office = PersonFactory(unit=parks.park)
        grant(park_office, "projects", scope=Scope.UNIT_TREE)
        actor = Actor(person=park_office)
        services.rules_update(actor=actor, unit=parks.workshop, whole_approval_workdays=30)
        with pytest.raises(PermissionDenied):
            services.rules_update(actor=actor, unit=tree.zone, whole_approval_workdays=30)
        with pytest.raises(PermissionDenied):
            services.rules_update(actor=actor, whole_approval_workdays=30)  # the platform default
        township = PersonFactory(unit=parks.park)
        grant(township, "township", scope=Scope.UNIT_TREE)
        with pytest.raises(PermissionDenied):
            services.rules_update(actor=Actor(person=township), unit=parks.park, whole_approval_workdays=30)
        assert AuditEntry.objects.filter(action="projects.rules", object_repr__contains="装备园一区").exists()


class TestRulesPage:
    def form_data(self, **changes):
        rules = ProjectRules.current()
        data = {name: getattr(rules, name) for name in services.RULE_FIELDS}
        data["stats_threshold"] = rules.stats_threshold // YUAN_PER_WAN
        return {"rules": "1", **data, **changes}

    def test_a_park_office_edits_its_park_and_cannot_reach_the_zone(self, client, tree, parks):
        park_office = PersonFactory(unit=parks.park)
        grant(park_office, "projects", scope=Scope.UNIT_TREE)
        client.force_login(park_office)
        page = client.get("/projects/rules/").content.decode()
        assert "装备园" in page and ">全平台默认<" not in page and "尚未单独设置" in page
        assert client.get(f"/projects/rules/?unit={tree.zone.pk}").status_code == 404
        saved = client.post("/projects/rules/", self.form_data(unit=parks.park.pk, whole_approval_workdays=25))
        assert saved.status_code == 302
        assert ProjectRules.objects.get(unit=parks.park).whole_approval_workdays == 25
        refused = client.post("/projects/rules/", self.form_data(unit=tree.zone.pk, whole_approval_workdays=25))
        assert refused.status_code == 404 and not ProjectRules.objects.filter(unit=tree.zone).exists()
        assert ProjectRules.current().whole_approval_workdays == 120

    def test_a_user_over_everything_edits_the_platform_default(self, client, tree):
        admin = PersonFactory(unit=tree.city)
        grant(admin, "projects", scope=Scope.ALL)
        client.force_login(admin)
        assert ">全平台默认<" in client.get("/projects/rules/").content.decode()
        assert client.post("/projects/rules/", self.form_data(unit="", report_window_days=7)).status_code == 302
        assert ProjectRules.current().report_window_days == 7 and ProjectRules.objects.count() == 1


    def test_a_unit_goes_back_to_inheriting_from_the_page(self, client, tree, parks):
        park_office = PersonFactory(unit=parks.park)
        grant(park_office, "projects", scope=Scope.UNIT_TREE)
        services.rules_update(actor=SYSTEM, unit=parks.park, whole_approval_workdays=25)
        client.force_login(park_office)
        assert "沿用上级" in client.get(f"/projects/rules/?unit={parks.park.pk}").content.decode()
        assert client.post("/projects/rules/", {"unit": parks.park.pk, "inherit": "1"}).status_code == 302
        assert not ProjectRules.objects.filter(unit=parks.park).exists()
        assert AuditEntry.objects.filter(action="projects.rules_inherit").exists()


class TestBackfill:
    """补录: a project entered with past dates reports from the month it entered the ledger."""

    def test_an_old_project_entered_today_shows_no_years_of_missing_reports(self, tree):
        project = _start(ProjectFactory(responsible_unit=tree.town_a, reporting_from=None), date(2023, 3, 1))
        assert project.reporting_from == TODAY
        assert selectors.missing_reports(_annotated(project), selectors.rules_for(project)) == []

    def test_reports_for_earlier_periods_are_backfill_not_late(self, tree):
        project = _start(ProjectFactory(responsible_unit=tree.town_a, reporting_from=None), date(2023, 3, 1))
        old = services.progress_report_submit(actor=SYSTEM, project=project, period_key="2026-09", invested=1,
                                              progress_text="主体施工", percent=40)
        assert (old.is_backfill, old.is_late) == (True, False)
        current = services.progress_report_submit(actor=SYSTEM, project=project, period_key="2026-11",
                                                  invested=1, progress_text="主体施工", percent=45)
        assert (current.is_backfill, current.is_late) == (False, False)

    def test_a_late_report_after_the_first_period_is_still_late(self, tree):
        project = _start(ProjectFactory(responsible_unit=tree.town_a, reporting_from=date(2026, 9, 15)),
                         date(2023, 3, 1))
        report = services.progress_report_submit(actor=SYSTEM, project=project, period_key="2026-09", invested=1,
                                                 progress_text="主体施工", percent=40)
        assert (report.is_backfill, report.is_late) == (False, True)
        assert [p.key for p in selectors.missing_reports(_annotated(project), selectors.rules_for(project))] == [
            "2026-10"]

    def test_how_many_missing_periods_are_listed_is_a_rule(self, tree):
        project = _start(ProjectFactory(responsible_unit=tree.town_a, reporting_from=date(2024, 3, 1)),
                         date(2024, 3, 1))
        annotated = _annotated(project)
        assert len(selectors.missing_reports(annotated, ProjectRules.current())) == 24
        services.rules_update(actor=SYSTEM, missing_reports_listed=60)
        missing = selectors.missing_reports(annotated, ProjectRules.current())
        assert len(missing) == 32 and (missing[0].key, missing[-1].key) == ("2024-03", "2026-10")


    def test_the_api_reads_and_sets_the_first_period_and_marks_backfill(self, client, world, tree):
        client.force_login(world.office)
        created = client.post("/api/v1/projects", {
            "name": "补录项目", "enterprise": "某公司", "responsible_unit_id": tree.town_a.pk,
            "total_investment": 1_000 * YUAN_PER_WAN, "reporting_from": "2026-10-01"}, content_type="application/json")
        assert created.status_code == 201, created.content
        assert created.json()["reporting_from"] == "2026-10-01"
        project = _start(ProjectFactory(responsible_unit=tree.town_a, reporting_from=None), date(2024, 5, 1))
        client.force_login(world.township)
        filed = client.post(f"/api/v1/projects/{project.pk}/progress", {
            "period_key": "2026-08", "invested": 1, "percent": 20, "progress_text": "基础施工"},
            content_type="application/json")
        assert filed.status_code == 201, filed.content
        assert (filed.json()["is_backfill"], filed.json()["is_late"]) == (True, False)


class TestLightRulesAsData:
    def test_the_grace_before_judging_investment_lag_is_a_rule(self, tree):
        project = _annotated(_start(ProjectFactory(responsible_unit=tree.town_a), date(2026, 10, 1)))
        rules = ProjectRules.current()
        # Started 10-01, nothing invested, 53 days later: judged after the default 30 days' grace.
        assert selectors.investment_lag_percent(project, TODAY, rules) > 0
        services.rules_update(actor=SYSTEM, investment_lag_grace_days=60)
        assert selectors.investment_lag_percent(project, TODAY, ProjectRules.current()) is None


class TestStageMachine:
    def test_every_stage_move_needs_the_stage_permission(self):
        assert {move.permission for move in STAGE_MACHINE.transitions} == {"project.stage"}

    def test_a_change_is_one_history_row_with_its_kind_and_one_audit_row(self, tree):
        project = ProjectFactory(responsible_unit=tree.town_a)
        _start(project, date(2026, 3, 2), reason="补录：项目已开工")
        [change] = stage_history(project)
        assert (change.from_label, change.to_label, change.kind, change.reason) == ("储备", "开工", "skip",
                                                                                    "补录：项目已开工")
        entry = AuditEntry.objects.get(action="project.stage", object_id=str(project.pk))
        assert entry.changes["stage"] == ["reserve", "started"] and entry.detail == "补录：项目已开工"

    def test_deleting_a_project_deletes_its_history(self, tree):
        from zoneops.core.models import TransitionRecord

        project = _start(ProjectFactory(responsible_unit=tree.town_a), date(2026, 3, 2))
        project.delete()
        assert not TransitionRecord.objects.exists()


def test_reporting_stages_and_the_flag_rule_are_defined_once():
    package = Path(__file__).resolve().parents[2]
    offenders = []
    for path in package.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "Stage.STARTED, Stage.IN_STATS, Stage.BUILDING" in text and path.name != "choices.py":
            offenders.append(str(path))
        if "def milestone_flag" in text and path.name != "flags.py":
            offenders.append(str(path))
    assert offenders == []


@pytest.mark.django_db
def test_a_concurrent_first_use_of_the_default_rules_reads_the_row_the_other_request_created(monkeypatch):
    from django.db.models import QuerySet

    existing = ProjectRules.objects.create(unit=None)
    monkeypatch.setattr(QuerySet, "first", lambda self: None)  # this request looked before the other one wrote
    assert ProjectRules.current() == existing  # not an IntegrityError (a 500 under the first load)
    assert ProjectRules.objects.count() == 1
