"""The worker is part of `zoneops serve` (embedded install) and schedules the purge of expired jobs."""

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from zoneops.core.management.commands import serve, worker


class _Child:
    pid = 4242


@pytest.fixture
def launched(monkeypatch):
    """What `zoneops serve` would start, without starting it."""
    started = []
    monkeypatch.setattr(serve.subprocess, "Popen", lambda argv, **kw: started.append(argv) or _Child())
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: started.append(argv))
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)
    return started


def test_serve_starts_the_task_worker_beside_gunicorn(launched, settings):
    settings.ZONEOPS_EMBEDDED_WORKER = True
    call_command("serve", port=8123)
    worker_argv, gunicorn_argv = launched
    assert worker_argv[1:] == ["-m", "zoneops", "worker"] and "gunicorn" in gunicorn_argv


def test_production_serves_only(launched, settings):
    settings.ZONEOPS_EMBEDDED_WORKER = False
    call_command("serve", port=8123)
    assert len(launched) == 1 and "gunicorn" in launched[0]
    call_command("serve", "--task-worker", port=8123)
    assert len(launched) == 3


@pytest.mark.django_db
def test_the_worker_schedules_the_purge():
    """`zoneops worker` queues the purge at start, then hourly (ZONEOPS_PERIODIC_TASKS)."""
    worker.enqueue_periodic()
    assert DBTaskResult.objects.filter(task_path="zoneops.jobs.tasks.purge_expired_jobs").count() == 1
