import time

from django.core.management.base import BaseCommand

from zoneops.demo.dispatch import write_demo_minutes
from zoneops.demo.projects import demo_projects
from zoneops.demo.zone import build_demo_zone
from zoneops.org.models import Unit


class Command(BaseCommand):
    help = ("Load the demo zone: projects, problems, dispatch meetings and tasks (idempotent: each only when there "
            "is none), then write the held meetings' minutes. "
            "Passwords: $ZONEOPS_DEMO_PASSWORD, else a random one is printed.")

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Only when the database has no units yet.")
        parser.add_argument("--no-minutes", action="store_true",
                            help="Leave the meetings' minutes (会议纪要) to the worker instead of writing them now.")

    def handle(self, *args, if_empty, no_minutes=False, **options):
        if if_empty and Unit.objects.exists():
            self.stdout.write("数据库已有数据，跳过演示数据加载。")
            return
        began = time.perf_counter()
        password, users = build_demo_zone()
        self.stdout.write(self.style.SUCCESS("演示开发区已就绪：渭南经济技术开发区"))
        self.stdout.write(f"演示项目：{demo_projects().count()} 个（用时 {time.perf_counter() - began:.1f} 秒）")
        if not no_minutes:
            began = time.perf_counter()
            written, failed = write_demo_minutes()
            if written or failed:
                self.stdout.write(f"会议纪要：已生成 {written} 份（用时 {time.perf_counter() - began:.1f} 秒）"
                                  + (f"，{failed} 份失败（见“我的下载”）" if failed else ""))
        self.stdout.write("演示账号：")
        for username, name, title, *_rest in users:
            self.stdout.write(f"  {username:<14} {name}（{title}）")
        if password:
            self.stdout.write(f"演示账号统一密码：{password}")
        else:
            self.stdout.write("账号已存在，密码未改动（设置 ZONEOPS_DEMO_PASSWORD 后重新运行可统一重置）。")
