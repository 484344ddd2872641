"""Background jobs: submitted from a page, run by the worker with progress, downloaded, purged.

Another module moves heavy work here with one call::

    job_submit(actor=actor, kind="projects.export", title="项目库台账导出",
               run="zoneops.projects.jobs.export_ledger", params={"filters": {...}})

The worker calls ``run(job=..., actor=..., progress=...)``: ``actor`` is the submitter (for the audit
rows of the work itself), ``progress(percent, message)`` records how far it got, and the function
returns an :class:`Outcome` (a file to download, figures for the page) or raises. A ValidationError or
PermissionDenied fails the job with its own message; anything else fails it with a generic one (the
traceback goes to the log, not to the page).
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.audit.services import audit_record
from zoneops.core.errors import PermissionDenied, ValidationError
from zoneops.jobs.models import Job

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL_SECONDS = 0.5  # progress writes are short, but one per row would still be too many


@dataclass
class Outcome:
    """What a job's function returns: a message for the list, figures for the page, a file to download."""

    message: str = ""
    result: dict = field(default_factory=dict)
    content: bytes | None = None  # or ``path``: a temporary file the function wrote (moved into storage)
    path: str = ""
    filename: str = ""


def job_submit(*, actor, kind, params, run, title):
    """Record the job (queued, audited) and hand it to the worker once the transaction commits."""
    if actor.is_system:
        raise ValueError("后台任务须由具体人员提交。")
    if not callable(import_string(run)):  # an unknown path fails here, not hours later in the worker
        raise ValueError(f"{run} 不可调用")
    with transaction.atomic():
        job = Job.objects.create(owner=actor.person, ip=actor.ip, kind=kind, title=title[:200], run=run,
                                 params=params, expires_at=timezone.now() + _keep())
        audit_record(actor, "job.submit", job, detail=f"{kind}：{title}")
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id):
    from zoneops.jobs.tasks import run_job

    run_job.enqueue(job_id)


def _keep():
    return timedelta(days=settings.ZONEOPS_JOB_KEEP_DAYS)


def job_execute(*, job_id):
    """Run one queued job to its end (called by the worker). Returns the job, or None if not queued."""
    started = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), progress=0, message="开始处理")
    if not started:
        return None  # taken by another worker, or purged
    job = Job.objects.select_related("owner").get(pk=job_id)
    actor = Actor(person=job.owner, ip=job.ip)
    try:
        outcome = import_string(job.run)(job=job, actor=actor, progress=_Progress(job.pk)) or Outcome()
    except (ValidationError, PermissionDenied) as refused:
        return _fail(job, "；".join(getattr(refused, "messages", None) or [str(refused)]) or "任务被拒绝")
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.run)
        return _fail(job, f"任务执行时发生内部错误，请联系系统管理员（任务编号 {job.pk}）。")
    return _finish(job, outcome)


def _finish(job, outcome):
    if outcome.content is not None or outcome.path:
        name = outcome.filename or "result.bin"
        if outcome.path:
            with open(outcome.path, "rb") as handle:
                job.file.save(name, File(handle), save=False)
            Path(outcome.path).unlink(missing_ok=True)  # moved into storage
        else:
            job.file.save(name, ContentFile(outcome.content), save=False)
        job.filename = name
    job.status, job.progress, job.message = Job.Status.DONE, 100, outcome.message[:200] or "已完成"
    job.result, job.finished_at = outcome.result, timezone.now()
    job.expires_at = job.finished_at + _keep()
    job.save(update_fields=["file", "filename", "status", "progress", "message", "result", "finished_at",
                            "expires_at"])
    return job


def _fail(job, error):
    job.status, job.error, job.message = Job.Status.FAILED, error, "失败"
    job.finished_at = timezone.now()
    job.expires_at = job.finished_at + _keep()
    job.save(update_fields=["status", "error", "message", "finished_at", "expires_at"])
    return job


class _Progress:
    """``progress(percent, message="")`` for a running job; writes at most twice a second."""

    def __init__(self, job_id):
        self.job_id, self.last = job_id, 0.0

    def __call__(self, percent, message=""):
        now = time.monotonic()
        if now - self.last < PROGRESS_INTERVAL_SECONDS:
            return
        self.last = now
        Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
            progress=max(0, min(99, int(percent))), message=str(message)[:200])


def job_download(*, actor, job):
    """Open a finished job's file for its owner, recording the download in the audit log."""
    if job.owner_id != getattr(actor.person, "pk", None):
        raise PermissionDenied("只能下载自己提交的任务结果。")
    if job.status != Job.Status.DONE or not job.file:
        raise ValidationError("该任务没有可下载的文件。")
    handle = job.file.open("rb")
    with transaction.atomic():
        audit_record(actor, "job.download", job, result=AuditEntry.Result.SUCCESS, detail=f"下载“{job.filename}”")
    return handle


STALLED_AFTER = timedelta(hours=6)  # a running job this old lost its worker (killed, machine restarted)


def jobs_purge_expired(*, now=None):
    """Fail jobs whose worker died under them; delete jobs past their keeping time, with their files.
    Returns how many were deleted."""
    now = now or timezone.now()
    Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=now - STALLED_AFTER).update(
        status=Job.Status.FAILED, error="任务中断（后台进程已停止），请重新提交。", message="失败", finished_at=now,
        expires_at=now + _keep())
    expired = list(Job.objects.filter(expires_at__lt=now).exclude(status=Job.Status.RUNNING))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
    if not expired:
        return 0
    with transaction.atomic():
        Job.objects.filter(pk__in=[job.pk for job in expired]).delete()
        audit_record(Actor.system(), "job.purge", ("jobs.job", "", "过期后台任务"),
                     detail=f"清理过期任务{len(expired)}个")
    return len(expired)
