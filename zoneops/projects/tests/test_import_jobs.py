"""Large ledger files go through the worker: imports over ZONEOPS_IMPORT_INLINE_ROWS (预检 and 确认导入 as
jobs, all or nothing) and exports over ZONEOPS_EXPORT_INLINE_ROWS (the file appears in 我的下载)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from zoneops.audit.models import AuditEntry
from zoneops.jobs.models import Job
from zoneops.org.tests.factories import PersonFactory
from zoneops.projects.models import Project
from zoneops.projects.tests.test_exchange import ledger, ledger_file, ledger_row, people, township_user  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]


@pytest.fixture(autouse=True)
def _small_inline_limit(settings, tmp_path):
    settings.ZONEOPS_IMPORT_INLINE_ROWS = 6  # title + 2 header rows + 3 data rows stay inline
    settings.MEDIA_ROOT = settings.HOME = tmp_path


def _upload(client, file, capture):
    with capture(execute=True):
        return client.post(reverse("projects:import"), {"check": "1", "file": SimpleUploadedFile("台账.xlsx",
                                                                                                 file.getvalue())})


def _rows(count, **changes):
    unreferenced = {"包联领导": None, "项目专员": None, "阶段": "储备"}  # a township user may not set stages
    return [ledger_row({"项目名称": f"新能源电池项目{n}"} | unreferenced | changes) for n in range(count)]


def _work():
    call_command("worker", batch=True, verbosity=0)


def test_a_large_file_is_checked_then_imported_in_the_worker(client, tree, settings,
                                                             django_capture_on_commit_callbacks):
    me = township_user(tree)
    client.force_login(me)
    response = _upload(client, ledger_file(*_rows(5)), django_capture_on_commit_callbacks)
    check = Job.objects.get(owner=me)
    assert response.status_code == 302 and response["Location"] == f"{reverse('projects:import')}?job={check.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "已转入后台处理" in page and 'hx-trigger="every 2s"' in page and "排队中" in page
    assert not Project.objects.exists()

    _work()
    check.refresh_from_db()
    assert (check.status, check.message) == (Job.Status.DONE, "预检通过：5行（新建5个、更新0个、未变0个）")
    page = client.get(response["Location"]).content.decode()
    assert "预检通过" in page and "共 5 行" in page and 'name="confirm"' in page and "every 2s" not in page
    token = client.session["projects_import"]["token"]
    assert not Project.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:import"), {"confirm": "1", "token": token})
    write = Job.objects.exclude(pk=check.pk).get()
    assert response["Location"] == f"{reverse('projects:import')}?job={write.pk}"
    assert "projects_import" not in client.session
    _work()
    write.refresh_from_db()
    assert (write.status, write.message) == (Job.Status.DONE, "已导入：新建5个项目，更新0个，0个未变")
    assert Project.objects.count() == 5 and set(Project.objects.values_list("created_by", flat=True)) == {me.pk}
    assert AuditEntry.objects.get(action="project.import").actor == me
    assert not (settings.HOME / "imports" / f"{token}.xlsx").exists()
    assert "已导入：新建5个项目，更新0个，0个未变" in client.get(response["Location"]).content.decode()
    assert "已导入：新建5个项目，更新0个，0个未变" in client.get(reverse("jobs:downloads")).content.decode()


def test_errors_of_a_large_file_are_listed_and_nothing_is_kept(client, tree, settings,
                                                               django_capture_on_commit_callbacks):
    client.force_login(township_user(tree))
    rows = _rows(4) + _rows(1, 项目名称="坏行", 总投资="十亿")
    response = _upload(client, ledger_file(*rows), django_capture_on_commit_callbacks)
    _work()
    page = client.get(response["Location"]).content.decode()
    assert "预检未通过" in page and "第 8 行" in page and "应为数字（万元），实为“十亿”" in page
    assert 'name="confirm"' not in page and not list((settings.HOME / "imports").iterdir())
    assert not Project.objects.exists()


def test_another_person_cannot_see_the_import_job(client, tree, django_capture_on_commit_callbacks):
    client.force_login(township_user(tree))
    response = _upload(client, ledger_file(*_rows(5)), django_capture_on_commit_callbacks)
    client.force_login(township_user(tree))
    assert client.get(response["Location"]).status_code == 404
    client.force_login(PersonFactory())
    assert client.get(response["Location"]).status_code == 403  # no project.edit at all


def test_a_small_file_stays_inline(client, tree, django_capture_on_commit_callbacks):
    client.force_login(township_user(tree))
    response = _upload(client, ledger_file(*_rows(3)), django_capture_on_commit_callbacks)
    assert response.status_code == 200 and "预检通过" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.usefixtures("ledger")
def test_a_large_export_is_written_by_the_worker_and_downloaded(client, tree, settings,
                                                                django_capture_on_commit_callbacks):
    settings.ZONEOPS_EXPORT_INLINE_ROWS = 0
    me = township_user(tree)
    client.force_login(me)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("projects:export"), {"q": "电子"})
    assert response.status_code == 302 and response["Location"] == reverse("jobs:downloads")
    job = Job.objects.get(owner=me, kind="projects.export")
    assert job.params == {"query": "q=%E7%94%B5%E5%AD%90"} and not AuditEntry.objects.filter(action="export").exists()
    assert "台账正在后台生成" in client.get(response["Location"]).content.decode()

    _work()
    job.refresh_from_db()
    assert (job.status, job.message) == (Job.Status.DONE, "共1个项目") and job.filename.endswith(".xlsx")
    audit = AuditEntry.objects.get(action="export")
    assert audit.actor == me and audit.detail.startswith(f"导出1行（后台任务 {job.pk}）")
    sheet = load_workbook(io.BytesIO(b"".join(client.get(f"/jobs/{job.pk}/download/").streaming_content))).active
    assert sheet["B4"].value == "年产10万吨电子材料项目" and sheet["B5"].value == "共1个项目"


@pytest.mark.usefixtures("ledger")
def test_a_small_export_stays_inline(client, tree):
    client.force_login(township_user(tree))
    assert client.get(reverse("projects:export"))["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not Job.objects.exists()
