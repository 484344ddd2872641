from django.core.management.base import BaseCommand, CommandError

from zoneops.audit.checkpoints import write_checkpoint
from zoneops.audit.context import Actor
from zoneops.audit.keys import rotate_file_key
from zoneops.audit.models import AuditEntry
from zoneops.audit.services import audit_record, verify_chain


class Command(BaseCommand):
    help = ("Audit log: `audit verify` checks the keyed chain against the signed checkpoints (exit 0 when "
            "intact); `audit checkpoint` signs the chain's current end into a file outside the database; "
            "`audit rotate-key` appends a new key to the key file (the old ones keep verifying their rows).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("verify", help="Walk the chain; report the first row that does not match.")
        sub.add_parser("checkpoint", help="Write a signed checkpoint of the chain's end outside the database.")
        sub.add_parser("rotate-key", help="Start signing with a new key (file-based key ring only).")

    def handle(self, *args, verb, **options):
        if verb == "checkpoint":
            path = write_checkpoint()
            self.stdout.write(f"已写入检查点：{path}" if path else "审计日志为空，无需检查点。")
            return
        if verb == "rotate-key":
            bad = verify_chain()
            if bad is not None:
                raise CommandError(f"审计链校验失败，先调查再轮换密钥：#{bad.id} {bad}")
            write_checkpoint()  # the old key's last word
            key_id = rotate_file_key()
            audit_record(Actor.system(), "audit.rotate_key", detail=f"新密钥 {key_id}")
            write_checkpoint()
            self.stdout.write(f"已启用新审计密钥 {key_id}；旧密钥须保留在密钥文件中以校验旧记录。")
            return
        bad = verify_chain()
        if bad is not None:
            raise CommandError(f"审计链校验失败，第一条异常记录：#{bad.id} {bad}")
        self.stdout.write(f"审计链完整，共 {AuditEntry.objects.count()} 条记录。")
