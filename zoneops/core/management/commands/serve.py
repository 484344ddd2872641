import os
import signal
import subprocess
import sys
from argparse import BooleanOptionalAction

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve ZoneOps with gunicorn (collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ZONEOPS_WORKERS", "3")))
        parser.add_argument("--task-worker", action=BooleanOptionalAction, default=settings.ZONEOPS_EMBEDDED_WORKER,
                            help="Also run `zoneops worker` (background jobs) beside gunicorn; it ends with gunicorn.")

    def handle(self, *args, host, port, workers, task_worker, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"ZoneOps 正在 http://{host}:{port} 提供服务（数据目录 {settings.HOME}）")
        if task_worker:
            worker = subprocess.Popen([sys.executable, "-m", "zoneops", "worker"],  # noqa: S603 - our own command
                                      preexec_fn=_end_with_parent)  # noqa: PLW1509 - only sets the death signal
            self.stdout.write(f"后台任务进程已启动（pid {worker.pid}）")
        sys.stdout.flush()
        os.execv(sys.executable, [  # noqa: S606 - replaces this process with gunicorn, no shell
            sys.executable, "-m", "gunicorn", "zoneops.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
            "--forwarded-allow-ips", os.environ.get("ZONEOPS_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ])


def _end_with_parent():
    """In the worker child: receive SIGTERM when the process that started it (gunicorn, after exec) ends."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG, Linux only
    except (OSError, AttributeError):
        pass  # elsewhere the worker outlives a killed server; Ctrl-C still ends both (one process group)
