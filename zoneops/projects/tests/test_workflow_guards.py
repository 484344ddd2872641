"""A workflow that cannot be gamed (issue 8, items 6, 7, 8 and 11): re-filed periods keep their earlier
version, flags judged on the baseline, re-planning is a request the project office approves, the stage
form proposes the next stage, and the filers' and reviewers' queues."""

from datetime import date, timedelta

import pytest

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.core.money import YUAN_PER_WAN
from zoneops.projects import selectors, services
from zoneops.projects.choices import Flag, ReportStatus, Stage
from zoneops.projects.flags import milestone_flag
from zoneops.projects.models import Milestone, MilestoneReplan, ProgressReport, ReplanStatus
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
SYSTEM = Actor.system()
TODAY = date(2026, 11, 23)


def _file(actor, project, period="2026-10", invested=100, **extra):
    return services.progress_report_submit(actor=actor, project=project, period_key=period,
                                           invested=invested * YUAN_PER_WAN, progress_text=extra.pop("text", "施工"),
                                           percent=extra.pop("percent", 30), **extra)


# --- Item 6: reports ---------------------------------------------------------------------------

def test_refiling_a_period_keeps_the_earlier_version_with_who_and_when(world):
    township, office = Actor(person=world.township), Actor(person=world.office)
    report = _file(township, world.ours, invested=100, text="基础施工")
    services.progress_report_review(actor=office, report=report, accept=False, comment="投资额与监理报表不符")
    report.refresh_from_db()
    _file(township, world.ours, invested=80, text="基础施工（更正）", expected_version=report.version)
    report.refresh_from_db()
    assert report.invested == 80 * YUAN_PER_WAN and report.status == ReportStatus.SUBMITTED
    (earlier,) = report.revisions.all()
    assert earlier.invested == 100 * YUAN_PER_WAN and earlier.progress_text == "基础施工"
    assert earlier.status == ReportStatus.RETURNED and earlier.review_comment == "投资额与监理报表不符"
    assert earlier.submitted_by == world.township and earlier.replaced_by == world.township
    assert earlier.version == report.version - 1


def test_the_project_page_shows_the_earlier_version(client, world):
    township = Actor(person=world.township)
    report = _file(township, world.ours, invested=100)
    _file(township, world.ours, invested=120, expected_version=report.version)
    client.force_login(world.office)
    page = client.get(world.ours.get_absolute_url()).content.decode()
    assert "修改记录（1个历史版本）" in page and "v1" in page
    form = client.get(f"/projects/{world.ours.pk}/report/?period=2026-10").content.decode()
    assert "历史版本" in form


def test_no_report_for_a_period_before_the_project_started(world):
    # world.ours started on 2026-03-01: February is before its start.
    with pytest.raises(ValidationError) as error:
        _file(Actor(person=world.township), world.ours, period="2026-02")
    assert "早于项目开工" in str(error.value)


def test_the_form_offers_the_open_period_by_default_and_no_approved_or_early_or_future_one(client, world):
    township, office = Actor(person=world.township), Actor(person=world.office)
    accepted = _file(township, world.ours, period="2026-09")
    services.progress_report_review(actor=office, report=accepted, accept=True)
    client.force_login(world.township)
    form = client.get(f"/projects/{world.ours.pk}/report/").context["form"]
    offered = [key for key, _label in form.fields["period_key"].choices]
    # 2026-11-23: October's window (5 days) closed on 11-05, so November is the open period.
    assert form.initial["period_key"] == "2026-11" and offered[0] == "2026-11"
    assert "2026-09" not in offered and "2026-12" not in offered
    assert offered[-1] == "2026-03" and "2026-02" not in offered


def test_the_open_period_is_the_last_one_while_its_window_runs():
    rules = type("Rules", (), {"report_frequency": "month", "report_window_days": 5})()
    assert services.open_report_period(rules, date(2026, 11, 4)).key == "2026-10"
    assert services.open_report_period(rules, date(2026, 11, 6)).key == "2026-11"


# --- Item 7: milestones ------------------------------------------------------------------------

@pytest.fixture
def late_milestone(world):
    return services.milestone_add(actor=SYSTEM, project=world.ours, name="主体封顶",
                                  planned_date=TODAY - timedelta(days=30))


def test_moving_the_plan_date_of_a_late_milestone_cannot_turn_its_black_flag_red(world, late_milestone):
    office = Actor(person=world.office)
    assert milestone_flag(late_milestone, TODAY) == Flag.BLACK
    milestone = services.milestone_update(actor=office, milestone=late_milestone,
                                          planned_date=TODAY + timedelta(days=30), reason="设计变更")
    assert milestone.planned_date == TODAY + timedelta(days=30) and milestone.baseline_date == TODAY - timedelta(30)
    assert milestone_flag(milestone, TODAY) == Flag.BLACK
    done = services.milestone_update(actor=office, milestone=milestone, actual_date=TODAY)
    assert milestone_flag(done, TODAY) == Flag.BLACK  # done after the baseline: late, whatever the plan says
    project = selectors.project_get(user=world.office, pk=world.ours.pk)
    assert project.black_flags == 1  # the database rule agrees


def test_a_townships_replan_is_only_a_proposal_until_the_project_office_approves(world, late_milestone):
    township, office = Actor(person=world.township), Actor(person=world.office)
    planned = late_milestone.planned_date
    services.milestone_update(actor=township, milestone=late_milestone, planned_date=TODAY + timedelta(60),
                              reason="征地未完成")
    late_milestone.refresh_from_db()
    assert late_milestone.planned_date == planned and late_milestone.replan_count == 0
    replan = MilestoneReplan.objects.get(milestone=late_milestone)
    assert replan.status == ReplanStatus.PENDING and replan.proposed_by == world.township
    with pytest.raises(PermissionDenied):
        services.milestone_replan_decide(actor=township, replan=replan, approve=True)
    with pytest.raises(ValidationError):
        services.milestone_replan_decide(actor=office, replan=replan, approve=False)  # 驳回须写意见
    services.milestone_replan_decide(actor=office, replan=replan, approve=True)
    late_milestone.refresh_from_db()
    assert late_milestone.planned_date == TODAY + timedelta(60) and late_milestone.replan_count == 1
    assert AuditEntry.objects.filter(action="milestone.replan_approve").count() == 1


def test_a_rejected_replan_leaves_the_plan(world, late_milestone):
    township, office = Actor(person=world.township), Actor(person=world.office)
    services.milestone_update(actor=township, milestone=late_milestone, planned_date=TODAY + timedelta(60),
                              reason="征地未完成")
    services.milestone_replan_decide(actor=office, replan=MilestoneReplan.objects.get(), approve=False,
                                     comment="理由不足")
    late_milestone.refresh_from_db()
    assert late_milestone.planned_date == TODAY - timedelta(30)
    assert MilestoneReplan.objects.get().status == ReplanStatus.REJECTED


def test_a_replan_needs_a_reason_and_a_completed_milestone_cannot_be_replanned(world, late_milestone):
    office = Actor(person=world.office)
    with pytest.raises(ValidationError) as error:
        services.milestone_update(actor=office, milestone=late_milestone, planned_date=TODAY + timedelta(9))
    assert "reason" in error.value.message_dict
    services.milestone_update(actor=office, milestone=late_milestone, actual_date=TODAY - timedelta(1))
    late_milestone.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.milestone_update(actor=office, milestone=late_milestone, planned_date=TODAY + timedelta(9),
                                  reason="补办")
    assert "已完成的节点不能调整计划" in str(error.value)
    assert not MilestoneReplan.objects.exists()


def test_the_milestone_page_shows_a_refused_change_beside_its_field(client, world, late_milestone):
    client.force_login(world.township)
    response = client.post(f"/projects/{world.ours.pk}/milestones/", {
        "update": "1", "milestone": late_milestone.pk, "planned_date": "2027-01-10", "actual_date": "",
        "reason": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "调整节点计划须说明原因" in page and 'value="2027-01-10"' in page  # kept, not silently reverted


def test_moving_the_stage_to_started_completes_the_start_milestone(world):
    project = ProjectFactory(responsible_unit=world.ours.responsible_unit)
    services.milestone_add(actor=SYSTEM, project=project, name="开工", planned_date=TODAY + timedelta(10))
    services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.STARTED, reason="补录",
                                  effective_on=TODAY - timedelta(2))
    assert Milestone.objects.get(project=project, name="开工").actual_date == TODAY - timedelta(2)


# --- Item 8: the stage form --------------------------------------------------------------------

def test_the_stage_form_proposes_the_next_stage_and_keeps_the_choice_on_error(client, world):
    client.force_login(world.office)
    form = client.get(world.ours.get_absolute_url()).context["stage_form"]  # ours is 开工 (started)
    assert form["to_stage"].value() == Stage.IN_STATS
    assert Stage.STARTED not in dict(form.fields["to_stage"].choices)
    # Stepping back without a reason is refused; the page keeps the choice and shows the error beside it.
    response = client.post(f"/projects/{world.ours.pk}/stage/", {"to_stage": Stage.SIGNED, "reason": ""})
    assert response.status_code == 400
    form = response.context["stage_form"]
    assert form["to_stage"].value() == Stage.SIGNED and form.errors
    assert "阶段回退须说明原因" in response.content.decode()


# --- Item 11: queues ---------------------------------------------------------------------------

def test_the_township_queue_lists_the_open_period_and_returned_reports(client, world):
    client.force_login(world.township)
    queue = client.get("/projects/reports/mine/")
    due = queue.context["due"]
    assert [(row.project, row.period.key, row.filed) for row in due] == [(world.ours, "2026-11", False)]
    assert f'/projects/{world.ours.pk}/report/?period=2026-11' in queue.content.decode()
    report = _file(Actor(person=world.township), world.ours, period="2026-11")
    services.progress_report_review(actor=Actor(person=world.office), report=report, accept=False,
                                    comment="照片缺失")
    queue = client.get("/projects/reports/mine/")
    assert [r.pk for r in queue.context["returned"]] == [report.pk] and "照片缺失" in queue.content.decode()


def test_batch_return_needs_a_reason_and_writes_nothing_on_a_bad_row(world):
    township, office = Actor(person=world.township), Actor(person=world.office)
    first, second = _file(township, world.ours, period="2026-10"), _file(township, world.ours, period="2026-11")
    with pytest.raises(ValidationError):
        services.progress_report_review_batch(actor=office, reports=[first, second], accept=False, comment=" ")
    services.progress_report_review(actor=office, report=first, accept=True)
    with pytest.raises(ValidationError):  # the first is accepted already: nothing is written, not even the second
        services.progress_report_review_batch(actor=office, reports=[second, first], accept=False, comment="补充")
    second.refresh_from_db()
    assert second.status == ReportStatus.SUBMITTED
    assert not AuditEntry.objects.filter(action="report.return").exists()
    with pytest.raises(PermissionDenied):
        services.progress_report_review_batch(actor=township, reports=[second], accept=True)
    services.progress_report_review_batch(actor=office, reports=[second], accept=False, comment="补充照片")
    second.refresh_from_db()
    assert second.status == ReportStatus.RETURNED and second.review_comment == "补充照片"
    assert AuditEntry.objects.filter(action="report.return").count() == 1


def test_the_review_queue_passes_in_batches(client, world):
    township = Actor(person=world.township)
    reports = [_file(township, world.ours, period=p) for p in ("2026-09", "2026-10")]
    client.force_login(world.office)
    assert [r.pk for r in client.get("/projects/reports/review/").context["page"].object_list] == \
        [r.pk for r in reports]
    refused = client.post("/projects/reports/review/", {"reports": [r.pk for r in reports], "decision": "return"})
    assert refused.status_code == 400 and "退回须填写意见" in refused.content.decode()
    assert client.post("/projects/reports/review/", {"reports": [r.pk for r in reports],
                                                     "decision": "accept"}).status_code == 302
    assert set(ProgressReport.objects.values_list("status", flat=True)) == {ReportStatus.ACCEPTED}


def test_the_report_list_pages_instead_of_cutting_at_200(client, world):
    township = Actor(person=world.township)
    for month in range(3, 12):
        _file(township, world.ours, period=f"2026-{month:02d}")
    client.force_login(world.office)
    response = client.get("/projects/reports/?size=4")
    assert response.context["page"].paginator.count == 9 and len(response.context["rows"]) == 4
    assert len(client.get("/projects/reports/?size=4&page=3").context["rows"]) == 1


def test_the_project_office_finds_a_townships_replan_in_its_queue_and_approves_it_on_the_page(
        client, world, late_milestone):
    client.force_login(world.township)
    client.post(f"/projects/{world.ours.pk}/milestones/", {
        "update": "1", "milestone": late_milestone.pk, "planned_date": "2027-01-10", "actual_date": "",
        "reason": "征地未完成"})
    replan = MilestoneReplan.objects.get(status=ReplanStatus.PENDING)
    client.force_login(world.office)
    assert list(client.get("/projects/reports/review/").context["replans"]) == [replan]
    response = client.post(f"/projects/{world.ours.pk}/milestones/", {"decide": "1", "replan": replan.pk,
                                                                       "decision": "approve", "comment": ""})
    assert response.status_code == 302
    late_milestone.refresh_from_db()
    assert late_milestone.planned_date == date(2027, 1, 10)
