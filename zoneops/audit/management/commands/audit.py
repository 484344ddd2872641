from django.core.management.base import BaseCommand, CommandError

from zoneops.audit.models import AuditEntry
from zoneops.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log: `audit verify` checks the hash chain (exit 0 when intact)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="Walk the hash chain; report the first row that does not match.")

    def handle(self, *args, verb, **options):
        bad = verify_chain()
        if bad is not None:
            raise CommandError(f"审计链校验失败，第一条异常记录：#{bad.id} {bad}")
        self.stdout.write(f"审计链完整，共 {AuditEntry.objects.count()} 条记录。")
