import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Run the background task worker (reminders, bulletins, large imports and exports)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Process the queue once and exit.")

    def handle(self, *args, batch, **options):
        if not batch:
            threading.Thread(target=_schedule, name="zoneops-schedule", daemon=True).start()
        call_command("db_worker", batch=batch)


def _schedule():
    """Enqueue each task of ZONEOPS_SCHEDULE (dotted path → seconds) at start and then every interval.

    Every worker process schedules: the scheduled tasks are idempotent sweeps, so a second run is harmless.
    """
    due = dict.fromkeys(settings.ZONEOPS_SCHEDULE, 0.0)
    while True:
        now = time.monotonic()
        for path, at in due.items():
            if now >= at:
                import_string(path).enqueue()
                due[path] = now + settings.ZONEOPS_SCHEDULE[path]
        close_old_connections()
        time.sleep(min(60, max(1, min(due.values()) - time.monotonic())))
