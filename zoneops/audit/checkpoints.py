"""Signed checkpoints of the audit chain, written outside the database (`zoneops audit checkpoint`).

A checkpoint records the last row's id and hash and is signed with the audit key. Whoever can
write the database can cut the chain back and rewind its head, or (with a stolen key) re-sign a
rewritten chain; neither agrees with the checkpoints already written. Keep the directory on other
storage than the database, or copy the files off the host (see docs/security.md).
"""

import hmac
import json
import os

from django.conf import settings
from django.utils import timezone

from zoneops.audit.keys import key_ring
from zoneops.audit.models import AuditEntry

PREFIX = "checkpoint-"


class CheckpointMismatch:
    """The chain disagrees with a checkpoint, or a checkpoint's signature is not valid."""

    def __init__(self, row_id, detail):
        self.id = row_id
        self.detail = detail

    def __str__(self):
        return self.detail


class BadCheckpoint(CheckpointMismatch, Exception):
    pass


def _payload(data):
    return json.dumps({k: data[k] for k in ("at", "last_id", "last_hash", "count", "key_id")},
                      sort_keys=True, ensure_ascii=False)


def write_checkpoint():
    """Sign the current end of the chain into a new file; returns its path (None for an empty log)."""
    last = AuditEntry.objects.order_by("-id").first()
    if last is None:
        return None
    ring = key_ring()
    data = {"at": timezone.now().isoformat(), "last_id": last.id, "last_hash": last.hash,
            "count": AuditEntry.objects.filter(id__lte=last.id).count(), "key_id": ring.current_id}
    data["signature"] = ring.sign(ring.current_id, _payload(data))
    directory = settings.ZONEOPS_AUDIT_CHECKPOINT_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{PREFIX}{last.id:012d}-{timezone.now():%Y%m%dT%H%M%S%f}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
    return path


def load_checkpoints(ring=None):
    """Every checkpoint in the directory, signature checked; raises BadCheckpoint on a forged one."""
    ring = ring or key_ring()
    directory = settings.ZONEOPS_AUDIT_CHECKPOINT_DIR
    if not directory.is_dir():
        return []
    found = []
    for path in sorted(directory.glob(f"{PREFIX}*.json")):
        try:
            data = json.loads(path.read_text())
            expected = ring.sign(data["key_id"], _payload(data))
        except (ValueError, KeyError, TypeError):
            raise BadCheckpoint(0, f"检查点文件无法读取：{path.name}") from None
        if expected is None or not hmac.compare_digest(expected, str(data.get("signature", ""))):
            raise BadCheckpoint(data.get("last_id", 0), f"检查点签名无效：{path.name}")
        found.append(data)
    return found
