from django.core.management.base import BaseCommand, CommandError

from zoneops.audit.context import Actor
from zoneops.projects.exchange import import_ledger


class Command(BaseCommand):
    help = "Import from Excel: `import projects FILE [--dry-run]` reads a ledger in the export layout."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        projects = sub.add_parser("projects", help="Projects (项目库) from a ledger exported by ZoneOps.")
        projects.add_argument("file")
        projects.add_argument("--dry-run", action="store_true", help="Check every row; write nothing.")

    def handle(self, *args, kind, file, dry_run, **options):
        result = import_ledger(file, actor=Actor.system(), commit=not dry_run)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"未导入：发现 {len(result.errors)} 处问题，未写入任何数据。")
        if dry_run:
            self.stdout.write(f"预检通过：{len(result.rows)} 行，可导入 {len(result.rows)} 个项目。")
        else:
            self.stdout.write(f"已导入 {result.created} 个项目。")
