import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


def enqueue_periodic():
    """Queue each task named in ZONEOPS_PERIODIC_TASKS (dotted path, seconds); core imports no app."""
    for path, _seconds in settings.ZONEOPS_PERIODIC_TASKS:
        import_string(path).enqueue()


def _schedule(stop, tick=30.0):
    """Queue each periodic task at its interval until ``stop`` is set (runs beside the db worker)."""
    next_run = {entry: time.monotonic() + entry[1] for entry in settings.ZONEOPS_PERIODIC_TASKS}
    while not stop.wait(tick):
        now = time.monotonic()
        for (path, seconds), at in next_run.items():
            if now < at:
                continue
            try:
                import_string(path).enqueue()
            except Exception:  # a failing schedule must not stop the worker
                log.exception("periodic task %s could not be queued", path)
            finally:
                close_old_connections()
            next_run[(path, seconds)] = now + seconds


class Command(BaseCommand):
    help = ("Run the background task worker (reminders, bulletins, large imports and exports) and queue "
            "the periodic tasks of ZONEOPS_PERIODIC_TASKS (e.g. the audit checkpoint).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="Queue the periodic tasks once, process the queue, exit.")

    def handle(self, *args, batch, **options):
        enqueue_periodic()
        if batch:
            _run_queue(batch=True)
            return
        stop = threading.Event()
        threading.Thread(target=_schedule, args=(stop,), daemon=True, name="zoneops-schedule").start()
        try:
            _run_queue(batch=False)
        finally:
            stop.set()


def _run_queue(*, batch):
    if settings.TASKS_QUEUE == "rq":  # Redis (production): django-rq's worker runs the same tasks
        call_command("rqworker", "default", burst=batch, job_class="django_tasks_rq.backend.Job")
    else:
        call_command("db_worker", batch=batch)
