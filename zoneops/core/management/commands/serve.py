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
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ZONEOPS_WORKERS", "2")),
                            help="gunicorn worker processes (default 2, or $ZONEOPS_WORKERS).")
        parser.add_argument("--threads", type=int, default=int(os.environ.get("ZONEOPS_THREADS", "4")),
                            help="Threads per worker (gthread; default 4, or $ZONEOPS_THREADS).")
        parser.add_argument("--task-worker", action=BooleanOptionalAction, default=settings.ZONEOPS_EMBEDDED_WORKER,
                            help="Also run `zoneops worker` (background jobs) beside gunicorn; it ends with gunicorn.")

    def handle(self, *args, host, port, workers, threads, task_worker, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"ZoneOps 正在 http://{host}:{port} 提供服务（数据目录 {settings.HOME}）")
        if task_worker:
            worker = subprocess.Popen([sys.executable, "-m", "zoneops", "worker"],  # noqa: S603 - our own command
                                      preexec_fn=_end_with_parent)  # noqa: PLW1509 - only sets the death signal
            self.stdout.write(f"后台任务进程已启动（pid {worker.pid}）")
        sys.stdout.flush()
        os.execv(sys.executable, [  # noqa: S606 - replaces this process with gunicorn, no shell
            sys.executable, "-m", "gunicorn", "zoneops.wsgi:application",
            *gunicorn_options(host=host, port=port, workers=workers, threads=threads)])


def gunicorn_options(*, host, port, workers=2, threads=4):
    """How gunicorn serves ZoneOps (docs/operations.md, 「应用服务器」 says why):

    - gthread workers: a request waiting on the database or a slow client holds one thread, not a whole
      process, so ``workers × threads`` requests are served at once (8 by default on 2 cores).
    - Recycling: a worker is replaced after 1,000 requests ± 100 (the jitter keeps workers from
      restarting together), so memory grown by a heavy request is returned to the system.
    - Timeouts: heavy work runs in the task worker, so a request over 60 s is a fault; its worker is
      killed and replaced. 30 s to finish requests on restart; keep-alive 5 s behind a proxy.
    """
    return ["--bind", f"{host}:{port}", "--worker-class", "gthread", "--workers", str(workers),
            "--threads", str(threads), "--max-requests", "1000", "--max-requests-jitter", "100",
            "--timeout", "60", "--graceful-timeout", "30", "--keep-alive", "5", "--access-logfile", "-",
            "--forwarded-allow-ips", os.environ.get("ZONEOPS_FORWARDED_ALLOW_IPS", "127.0.0.1")]


def _end_with_parent():
    """In the worker child: receive SIGTERM when the process that started it (gunicorn, after exec) ends."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG, Linux only
    except (OSError, AttributeError):
        pass  # elsewhere the worker outlives a killed server; Ctrl-C still ends both (one process group)
