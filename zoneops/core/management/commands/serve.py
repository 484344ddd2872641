import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve ZoneOps with gunicorn (collects static files first)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ZONEOPS_WORKERS", "3")))

    def handle(self, *args, host, port, workers, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"ZoneOps 正在 http://{host}:{port} 提供服务（数据目录 {settings.HOME}）")
        sys.stdout.flush()
        os.execv(sys.executable, [  # noqa: S606 - replaces this process with gunicorn, no shell
            sys.executable, "-m", "gunicorn", "zoneops.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--access-logfile", "-",
            "--forwarded-allow-ips", os.environ.get("ZONEOPS_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ])
