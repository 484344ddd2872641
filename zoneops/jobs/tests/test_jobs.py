"""The job flow: queued → running → done → downloaded; failures shown; files scoped to their owner."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.jobs import services
from zoneops.jobs.models import Job
from zoneops.jobs.tests import work
from zoneops.jobs.tests.factories import JobFactory
from zoneops.org.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _submit(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return JobFactory(**kwargs)


def _work():
    call_command("worker", batch=True, verbosity=0)


def test_queued_running_done_downloaded(client, django_capture_on_commit_callbacks):
    work.seen.clear()
    job = _submit(django_capture_on_commit_callbacks, title="项目库导出")
    assert job.status == Job.Status.QUEUED
    assert DBTaskResult.objects.filter(task_path="zoneops.jobs.tasks.run_job", args_kwargs__args=[job.pk]).exists()
    client.force_login(job.owner)
    page = client.get("/jobs/").content.decode()
    assert "项目库导出" in page and "排队中" in page and 'hx-trigger="every 2s"' in page

    _work()
    job.refresh_from_db()
    assert work.seen == [Job.Status.RUNNING, (50, "已完成一半")]
    assert (job.status, job.progress, job.message, job.result) == (Job.Status.DONE, 100, "共3行", {"rows": 3})
    assert job.expires_at - job.finished_at == timedelta(days=7)
    page = client.get("/jobs/").content.decode()
    assert "已完成" in page and f"/jobs/{job.pk}/download/" in page and "every 2s" not in page

    response = client.get(f"/jobs/{job.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == f"{job.owner.username}的报表"
    assert "attachment" in response["Content-Disposition"]
    entry = AuditEntry.objects.get(action="job.download")
    assert (entry.actor_id, entry.object_id) == (job.owner.pk, str(job.pk))


def test_another_person_can_neither_see_nor_download_the_file(client, django_capture_on_commit_callbacks):
    job = _submit(django_capture_on_commit_callbacks, title="甲的导出")
    _work()
    client.force_login(PersonFactory())
    assert "甲的导出" not in client.get("/jobs/").content.decode()
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert not AuditEntry.objects.filter(action="job.download").exists()
    with pytest.raises(services.PermissionDenied):
        services.job_download(actor=Actor(person=PersonFactory()), job=job)


def test_a_refused_job_shows_its_own_message(client, django_capture_on_commit_callbacks):
    job = _submit(django_capture_on_commit_callbacks, run="zoneops.jobs.tests.work.refuse", params={"row": 7})
    _work()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == "第7行“总投资”应为数字"
    client.force_login(job.owner)
    page = client.get("/jobs/").content.decode()
    assert "失败" in page and "第7行“总投资”应为数字" in page
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404


def test_a_crashed_job_shows_a_generic_error_not_the_internals(client, django_capture_on_commit_callbacks):
    job = _submit(django_capture_on_commit_callbacks, run="zoneops.jobs.tests.work.crash")
    _work()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == f"任务执行时发生内部错误，请联系系统管理员（任务编号 {job.pk}）。"
    client.force_login(job.owner)
    assert "secret internal detail" not in client.get("/jobs/").content.decode()


def test_the_list_fragment_for_polling(client, django_capture_on_commit_callbacks):
    job = _submit(django_capture_on_commit_callbacks)
    client.force_login(job.owner)
    fragment = client.get("/jobs/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="job-rows"') and "<html" not in fragment


def test_a_job_runs_once(django_capture_on_commit_callbacks):
    job = _submit(django_capture_on_commit_callbacks)
    assert services.job_execute(job_id=job.pk).status == Job.Status.DONE
    assert services.job_execute(job_id=job.pk) is None


def test_submit_is_audited_and_refuses_an_unknown_function():
    job = JobFactory()
    assert AuditEntry.objects.filter(action="job.submit", object_id=str(job.pk)).exists()
    with pytest.raises(ImportError):
        JobFactory(run="zoneops.jobs.tests.work.nothing")


def test_expired_jobs_and_their_files_are_purged(django_capture_on_commit_callbacks):
    kept, old = _submit(django_capture_on_commit_callbacks), _submit(django_capture_on_commit_callbacks)
    _work()
    old.refresh_from_db()
    path = old.file.path
    Job.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    from zoneops.jobs.tasks import purge_expired_jobs

    assert purge_expired_jobs.call() == 1
    assert list(Job.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not __import__("os").path.exists(path)


def test_a_job_whose_worker_died_is_failed_after_six_hours(django_capture_on_commit_callbacks):
    job = _submit(django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=timezone.now() - timedelta(hours=7))
    services.jobs_purge_expired()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == "任务中断（后台进程已停止），请重新提交。"
