"""Project services: stage rules, milestones, progress reports, approvals, scope checks."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.core.errors import ConflictError, PermissionDenied, ValidationError
from zoneops.core.models import TransitionRecord
from zoneops.core.money import YUAN_PER_WAN
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.projects import selectors, services
from zoneops.projects.choices import Stage
from zoneops.projects.models import ProjectRules
from zoneops.projects.stages import STAGE_MACHINE
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
SYSTEM = Actor.system()
TODAY = date(2026, 11, 23)



@pytest.fixture
def project(tree):
    return ProjectFactory(responsible_unit=tree.town_a)


def move(project, stage, reason="", effective_on=None):
    return services.project_change_stage(actor=SYSTEM, project=project, to_stage=stage, reason=reason,
                                         effective_on=effective_on)


class TestStages:
    def test_forward_one_step_fills_the_actual_date_and_history(self, project):
        move(project, Stage.SIGNED, effective_on=date(2026, 1, 5))
        project.refresh_from_db()
        assert project.stage == Stage.SIGNED and project.signed_on == date(2026, 1, 5)
        change = STAGE_MACHINE.history_queryset(project).get()
        assert (change.from_state, change.to_state, change.kind) == (Stage.RESERVE, Stage.SIGNED, "forward")
        assert AuditEntry.objects.filter(action="project.stage", object_id=str(project.pk)).exists()

    def test_skipping_needs_a_reason_and_fills_passed_dates(self, project):
        with pytest.raises(ValidationError, match="跳过阶段"):
            move(project, Stage.STARTED)
        move(project, Stage.STARTED, reason="补录：项目已开工", effective_on=date(2026, 3, 2))
        project.refresh_from_db()
        assert project.signed_on == date(2026, 3, 2) and project.actual_start == date(2026, 3, 2)

    def test_stepping_back_needs_a_reason_and_clears_later_dates(self, project):
        move(project, Stage.SIGNED)
        move(project, Stage.PREPARING)
        move(project, Stage.STARTED, effective_on=date(2026, 4, 1))
        with pytest.raises(ValidationError, match="回退"):
            move(project, Stage.PREPARING)
        move(project, Stage.PREPARING, reason="施工许可被撤回")
        project.refresh_from_db()
        assert project.stage == Stage.PREPARING and project.actual_start is None
        assert project.signed_on is not None

    def test_suspend_and_cancel_need_reasons_and_cancel_is_final(self, project):
        with pytest.raises(ValidationError):
            move(project, Stage.SUSPENDED)
        move(project, Stage.SUSPENDED, reason="资金未到位")
        move(project, Stage.SIGNED, reason="资金到位，恢复推进")
        move(project, Stage.CANCELLED, reason="企业撤资")
        with pytest.raises(ValidationError, match="已终止"):
            move(project, Stage.SIGNED, reason="x")

    def test_future_effective_date_is_refused(self, project):
        with pytest.raises(ValidationError):
            move(project, Stage.SIGNED, effective_on=date(2026, 12, 1))

    def test_stage_change_outside_scope_is_refused(self, tree, project):
        person = PersonFactory(unit=tree.town_b)
        grant(person, "projects", scope=Scope.UNIT)
        with pytest.raises(PermissionDenied):
            services.project_change_stage(actor=Actor(person=person), project=project, to_stage=Stage.SIGNED)
        project.refresh_from_db()
        assert project.stage == Stage.RESERVE


class TestLedger:
    def test_project_code_is_validated_and_unique(self, tree):
        with pytest.raises(ValidationError):
            ProjectFactory(responsible_unit=tree.town_a, code="2611-6105")
        ProjectFactory(responsible_unit=tree.town_a, code="2611-610502-04-01-123456")
        with pytest.raises(ValidationError):
            ProjectFactory(responsible_unit=tree.town_b, code="2611-610502-04-01-123456")

    def test_year_plan_cannot_exceed_total(self, tree):
        with pytest.raises(ValidationError):
            ProjectFactory(responsible_unit=tree.town_a, total_investment=100, year_plan_investment=200)

    def test_stale_update_conflicts(self, project):
        services.project_update(actor=SYSTEM, project=project, expected_version=1, name="新名称")
        with pytest.raises(ConflictError):
            services.project_update(actor=SYSTEM, project=project, expected_version=1, name="旧页面")

    def test_township_cannot_create_in_another_township(self, tree):
        person = PersonFactory(unit=tree.town_a)
        grant(person, "township", scope=Scope.UNIT)
        with pytest.raises(PermissionDenied):
            services.project_create(actor=Actor(person=person), name="x", enterprise="x",
                                    responsible_unit=tree.town_b, total_investment=1)


    def test_a_name_is_unique_within_its_responsible_unit_on_every_write_path(self, tree, project):
        with pytest.raises(ValidationError) as refused:
            ProjectFactory(name=project.name, responsible_unit=tree.town_a)
        assert refused.value.message_dict == {"name": ["该责任单位下已有同名项目。"]}
        elsewhere = ProjectFactory(name=project.name, responsible_unit=tree.town_b)
        with pytest.raises(ValidationError, match="同名项目"):  # moving it next to its namesake
            services.project_update(actor=SYSTEM, project=elsewhere, expected_version=1, responsible_unit=tree.town_a)
        with pytest.raises(services.ProjectRowsInvalid) as refused:  # the same rule for imports
            services.project_import(actor=SYSTEM, rows=[services.NewProject(fields={
                "name": project.name, "enterprise": "x", "responsible_unit": tree.town_a, "total_investment": 1})])
        assert refused.value.rows == {0: {"name": ["该责任单位下已有同名项目。"]}}
        services.project_update(actor=SYSTEM, project=elsewhere, expected_version=1, name="改名后")

    def test_negative_investment_is_refused_in_words(self, tree):
        with pytest.raises(ValidationError) as refused:
            ProjectFactory(responsible_unit=tree.town_a, total_investment=-1, year_plan_investment=0)
        assert refused.value.message_dict == {"total_investment": ["总投资不能为负数。"]}


class TestImportService:
    def row(self, tree, stage=Stage.RESERVE, **fields):
        return services.NewProject(fields={"name": "导入项目", "enterprise": "某公司", "responsible_unit": tree.town_a,
                                           "total_investment": 100} | fields, stage=stage)

    def test_all_or_nothing_with_the_errors_of_every_row(self, tree):
        rows = [self.row(tree), self.row(tree, name="二号", colour="red"), self.row(tree, name="三号", enterprise=""),
                self.row(tree, name="四号", stage=Stage.BUILDING)]
        with pytest.raises(services.ProjectRowsInvalid) as refused:
            services.project_import(actor=SYSTEM, rows=rows)
        assert set(refused.value.rows) == {1, 2}
        assert refused.value.rows[1] == {"__all__": ["未知字段：colour。"]}
        assert list(refused.value.rows[2]) == ["enterprise"]
        assert not TransitionRecord.objects.exists() and not AuditEntry.objects.filter(action="project.import").exists()
        created = services.project_import(actor=SYSTEM, rows=[rows[0], rows[3]])
        assert [p.stage for p in created] == [Stage.RESERVE, Stage.BUILDING] and created[1].actual_start == TODAY

    def test_permissions_as_the_form_and_the_stage_service(self, tree):
        township = PersonFactory(unit=tree.town_a)
        grant(township, "township", scope=Scope.UNIT)
        actor = Actor(person=township)
        projects, moves, errors = services.project_import_check(actor=actor, rows=[
            self.row(tree), self.row(tree, name="乙镇的", responsible_unit=tree.town_b),
            self.row(tree, name="开工的", stage=Stage.STARTED)])
        assert errors == {1: {"responsible_unit": ["您无权在该责任单位下录入项目。"]},
                          2: {"stage": ["您无权直接录入“开工”阶段的项目（需要阶段变更权限），请按“储备”录入，"
                                        "再由有权限的人员变更阶段。"]}}
        assert list(moves) == [2] and len(projects) == 3

    def test_queries_do_not_grow_with_the_rows(self, tree):
        office = PersonFactory(unit=tree.zone)
        grant(office, "projects", scope=Scope.UNIT_TREE)

        def queries(count):
            rows = [self.row(tree, name=f"{count}批{n}", stage=Stage.STARTED if n % 2 else Stage.RESERVE,
                             leader=office, responsible_unit=tree.town_a if n % 3 else tree.town_b)
                    for n in range(count)]
            with CaptureQueriesContext(connection) as captured:
                assert len(services.project_import(actor=Actor(person=office), rows=rows)) == count
            # SQLite splits the projects' INSERT by its parameter limit
            return len([q for q in captured if not q["sql"].startswith('INSERT INTO "projects_project"')])

        queries(2)  # loads the grants, once per request in real use
        assert queries(4) == queries(60) <= 12


def _started(project):
    move(project, Stage.STARTED, reason="补录", effective_on=date(2026, 1, 10))
    project.refresh_from_db()
    return project


def _jpeg_with_exif(taken="2026:11:20 09:30:00", size=(3000, 2000)):
    image = Image.new("RGB", size, (120, 160, 200))
    exif = Image.Exif()
    exif[0x0132] = taken  # DateTime
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


class TestProgressReports:
    def submit(self, project, period, wan, **extra):
        return services.progress_report_submit(actor=SYSTEM, project=project, period_key=period,
                                               invested=wan * YUAN_PER_WAN, progress_text="主体施工",
                                               percent=extra.pop("percent", 30), **extra)

    def accepted(self, project, period, wan):
        report = self.submit(project, period, wan)
        return services.progress_report_review(actor=SYSTEM, report=report, accept=True)

    def test_cumulative_figures_are_derived(self, project):
        project = _started(project)
        services.project_update(actor=SYSTEM, project=project, expected_version=project.version,
                                investment_before=500 * YUAN_PER_WAN)
        self.accepted(project, "2026-01", 100)
        self.accepted(project, "2026-02", 200)
        self.accepted(project, "2026-03", 50)
        reports = selectors.cumulative_for(project)
        newest = reports[0]
        assert newest.period_key == "2026-03"
        assert newest.year_to_date == 350 * YUAN_PER_WAN
        assert newest.cumulative == 850 * YUAN_PER_WAN
        row = _annotated(project).get()
        assert (row.invested_year, row.invested_total) == (350 * YUAN_PER_WAN, 350 * YUAN_PER_WAN)

    def test_year_to_date_restarts_each_year(self, project):
        """本年累计 starts again in January; 累计完成 runs on across the year boundary."""
        move(project, Stage.STARTED, reason="补录", effective_on=date(2025, 11, 3))
        project.refresh_from_db()
        for period, wan in [("2025-11", 100), ("2025-12", 200), ("2026-01", 30), ("2026-02", 40)]:
            self.accepted(project, period, wan)
        figures = {r.period_key: (r.year_to_date, r.cumulative) for r in selectors.cumulative_for(project)}
        assert figures == {"2025-11": (100 * YUAN_PER_WAN, 100 * YUAN_PER_WAN),
                           "2025-12": (300 * YUAN_PER_WAN, 300 * YUAN_PER_WAN),
                           "2026-01": (30 * YUAN_PER_WAN, 330 * YUAN_PER_WAN),
                           "2026-02": (70 * YUAN_PER_WAN, 370 * YUAN_PER_WAN)}
        row = _annotated(project).get()  # the ledger's figures: this year (2026) and all years
        assert (row.invested_year, row.invested_total) == (70 * YUAN_PER_WAN, 370 * YUAN_PER_WAN)

    def test_late_report_is_flagged(self, project):
        project = _started(project)
        assert self.submit(project, "2026-11", 10).is_late is False
        assert self.submit(project, "2026-09", 10).is_late is True

    def test_future_period_wrong_frequency_and_reserve_projects_are_refused(self, tree, project):
        with pytest.raises(ValidationError, match="不需要填报"):
            self.submit(project, "2026-11", 10)
        project = _started(project)
        with pytest.raises(ValidationError, match="未来"):
            self.submit(project, "2026-12", 10)
        with pytest.raises(ValidationError, match="每月"):
            self.submit(project, "2026-11-X1", 10)

    def test_xun_reporting_when_the_zone_chooses_it(self, project):
        project = _started(project)
        services.rules_update(actor=SYSTEM, report_frequency="xun")
        assert self.submit(project, "2026-11-X2", 10).period_end == date(2026, 11, 20)

    def test_duplicate_submission_needs_an_edit(self, project):
        project = _started(project)
        report = self.submit(project, "2026-10", 10)
        with pytest.raises(ConflictError, match="已有填报"):
            self.submit(project, "2026-10", 20)
        self.submit(project, "2026-10", 20, expected_version=report.version)
        report.refresh_from_db()
        assert report.invested == 20 * YUAN_PER_WAN
        with pytest.raises(ConflictError):  # an edit started before that change
            self.submit(project, "2026-10", 30, expected_version=report.version - 1)
        report.refresh_from_db()
        assert report.invested == 20 * YUAN_PER_WAN

    def test_return_with_comment_then_refile_then_accept(self, project):
        project = _started(project)
        report = self.submit(project, "2026-10", 10)
        with pytest.raises(ValidationError, match="意见"):
            services.progress_report_review(actor=SYSTEM, report=report, accept=False)
        services.progress_report_review(actor=SYSTEM, report=report, accept=False, comment="照片不清晰")
        report.refresh_from_db()
        assert report.status == "returned" and report.review_comment == "照片不清晰"
        with pytest.raises(ConflictError):  # re-filing a returned report is an edit of it, with its version
            self.submit(project, "2026-10", 12)
        report = self.submit(project, "2026-10", 12, expected_version=report.version)
        assert report.status == "submitted"
        services.progress_report_review(actor=SYSTEM, report=report, accept=True)
        with pytest.raises(ValidationError):
            self.submit(project, "2026-10", 13, expected_version=report.version + 1)

    def test_photo_is_resized_and_keeps_its_exif_time(self, project, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        project = _started(project)
        report = self.submit(project, "2026-11", 10, photos=[_jpeg_with_exif()])
        photo = report.photos.get()
        assert max(photo.width, photo.height) == 1600
        assert photo.taken_at.date() == date(2026, 11, 20)
        with Image.open(photo.image.path) as stored:
            assert stored.getexif().get(0x0132) == "2026:11:20 09:30:00"

    def test_not_an_image_is_a_clear_error_and_nothing_written(self, project):
        project = _started(project)
        junk = SimpleUploadedFile("x.jpg", b"not an image")
        with pytest.raises(ValidationError, match="不是可识别的图片"):
            self.submit(project, "2026-11", 10, photos=[junk])
        assert not project.reports.exists()

    def test_missing_reports_turn_the_light_yellow_then_red(self, project):
        project = _started(project)
        for month in range(1, 10):
            self.submit(project, f"2026-{month:02d}", 100, percent=10 * month)
        rules = ProjectRules.current()
        annotated = selectors.with_lights(list(_annotated(project)))[0]
        # October's window closed on 11-05 and November's is still open: one missing period.
        assert [p.key for p in selectors.missing_reports(annotated, rules)] == ["2026-10"]
        assert annotated.verdict.light in ("yellow", "red")
        assert any("缺报1期" in reason for reason in annotated.verdict.reasons)


def _annotated(project):
    from zoneops.org.models import Person

    leader = Person.objects.filter(grants__scope=Scope.ALL).first()
    if leader is None:
        leader = PersonFactory(unit=project.responsible_unit)
        grant(leader, "leader", scope=Scope.ALL)
    return selectors.project_queryset(user=leader).filter(pk=project.pk)


class TestMilestonesAndApprovals:
    def test_replan_keeps_the_baseline(self, project):
        milestone = services.milestone_add(actor=SYSTEM, project=project, name="开工", planned_date=date(2026, 3, 1))
        with pytest.raises(ValidationError, match="原因"):
            services.milestone_update(actor=SYSTEM, milestone=milestone, planned_date=date(2026, 4, 1))
        services.milestone_update(actor=SYSTEM, milestone=milestone, planned_date=date(2026, 4, 1), reason="雨季")
        milestone.refresh_from_db()
        assert milestone.baseline_date == date(2026, 3, 1) and milestone.planned_date == date(2026, 4, 1)
        assert milestone.replan_count == 1

    def test_overdue_milestones_count_as_black_flags(self, tree, project):
        services.milestone_add(actor=SYSTEM, project=project, name="供地", planned_date=date(2026, 5, 1))
        done_late = services.milestone_add(actor=SYSTEM, project=project, name="规划许可",
                                           planned_date=date(2026, 6, 1))
        services.milestone_update(actor=SYSTEM, milestone=done_late, actual_date=date(2026, 6, 20))
        on_time = services.milestone_add(actor=SYSTEM, project=project, name="施工许可",
                                         planned_date=date(2026, 7, 1))
        services.milestone_update(actor=SYSTEM, milestone=on_time, actual_date=date(2026, 6, 28))
        services.milestone_add(actor=SYSTEM, project=project, name="投产", planned_date=date(2027, 6, 1))
        row = _annotated(project).get()
        assert row.black_flags == 2

    def test_pre_start_approvals_span_working_days(self, tree, project):
        services.approval_save(actor=SYSTEM, project=project, stage="land_planning", name="用地规划许可",
                               limit_workdays=20, accepted_on=date(2026, 2, 10), done_on=date(2026, 3, 3))
        services.approval_save(actor=SYSTEM, project=project, stage="work_permit", name="施工许可",
                               limit_workdays=5, accepted_on=date(2026, 3, 4), done_on=date(2026, 3, 12))
        items, spans = selectors.approval_spans(project, ProjectRules.current(), TODAY)
        # 2/10 → 3/3 crosses Spring Festival (2/15–2/23 off, Saturdays 2/14 and 2/28 worked): 11 days.
        assert items[0].used_workdays == 11 and not items[0].over
        assert items[1].used_workdays == 6 and items[1].over
        assert items[1].deadline.due == date(2026, 3, 11) and items[1].overdue_workdays == 1
        pre_start = spans[0]
        assert (pre_start.used, pre_start.allowed) == (18, 45) and not pre_start.over

    def test_approval_dates_are_checked(self, project):
        with pytest.raises(ValidationError):
            services.approval_save(actor=SYSTEM, project=project, stage="land_planning", name="x", limit_workdays=5,
                                   accepted_on=date(2026, 3, 1), done_on=date(2026, 2, 1))
