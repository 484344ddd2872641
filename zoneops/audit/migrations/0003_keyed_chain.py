"""Key the audit chain: rows gain ``key_id`` and an existing unkeyed chain is re-signed with HMAC.

The old SHA-256 chain is verified first (a broken one stops the migration: investigate before
upgrading); then every row is re-chained with the current key of the key ring, in id order.
"""

import hashlib

from django.db import migrations, models


def rechain(apps, schema_editor):
    from zoneops.audit import guards
    from zoneops.audit.keys import key_ring
    from zoneops.audit.services import _HASHED_FIELDS, GENESIS, _canonical

    Entry = apps.get_model("audit", "AuditEntry")
    Head = apps.get_model("audit", "AuditHead")
    rows = list(Entry.objects.order_by("id"))
    if not rows:
        return
    ring = key_ring()
    prev = GENESIS
    for row in rows:  # the old chain: SHA-256 over prev_hash + content without key_id
        content = _canonical(row, tuple(f for f in _HASHED_FIELDS if f != "key_id"))
        if row.prev_hash != prev or hashlib.sha256((prev + content).encode()).hexdigest() != row.hash:
            raise RuntimeError(f"审计链在 #{row.id} 处已损坏，迁移中止：请先调查（zoneops audit verify）。")
        prev = row.hash
    connection = schema_editor.connection
    guards.remove(connection)
    prev = GENESIS
    for row in rows:
        row.key_id = ring.current_id
        row.prev_hash = prev
        row.hash = ring.sign(ring.current_id, prev + _canonical(row))
        Entry.objects.filter(pk=row.pk).update(key_id=row.key_id, prev_hash=row.prev_hash, hash=row.hash)
        prev = row.hash
    Head.objects.filter(pk=1).update(last_hash=prev)
    guards.install(connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]
    operations = [
        migrations.AddField(model_name="auditentry", name="key_id",
                            field=models.CharField("密钥", max_length=20, default="", blank=True)),
        migrations.RunPython(rechain, migrations.RunPython.noop),
    ]
