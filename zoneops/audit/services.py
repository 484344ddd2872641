"""Appending to and verifying the audit chain."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zoneops.audit.checkpoints import BadCheckpoint, CheckpointMismatch, load_checkpoints
from zoneops.audit.keys import key_ring
from zoneops.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64
_HASHED_FIELDS = (
    "at", "actor_id", "actor_name", "ip", "action", "object_type", "object_id",
    "object_repr", "result", "changes", "detail", "key_id",
)


def _json_default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _canonical(entry, fields=_HASHED_FIELDS):
    content = {name: getattr(entry, name) for name in fields}
    content["at"] = entry.at.astimezone(UTC).isoformat()
    return json.dumps(content, sort_keys=True, ensure_ascii=False, default=_json_default)


def entry_hash(prev_hash, entry, ring=None):
    """HMAC-SHA256, with the key the row names, over the previous hash and the row's content.

    None when that key is not in the ring (the row cannot be verified, so it counts as bad).
    """
    return (ring or key_ring()).sign(entry.key_id, prev_hash + _canonical(entry))


def _describe(target):
    if target is None:
        return "", "", ""
    if isinstance(target, tuple):  # (type, id, repr) for things that are not model rows
        object_type, object_id, text = target
        return object_type, str(object_id), str(text)[:200]
    return target._meta.label_lower, str(target.pk), str(target)[:200]


def jsonable(changes):
    return json.loads(json.dumps(changes or {}, ensure_ascii=False, default=_json_default))


@transaction.atomic
def audit_record(actor, action, target=None, *, result=AuditEntry.Result.SUCCESS, changes=None, detail=""):
    """Append one row to the chain inside the caller's transaction and return it.

    ``target`` is a model instance, a ``(type, id, text)`` tuple, or None; ``changes`` maps a
    field to ``[old, new]`` (or a value) and must be JSON-serialisable after conversion.
    """
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditHead.objects.create(pk=1, last_hash=GENESIS)
    object_type, object_id, object_repr = _describe(target)
    person = actor.person
    ring = key_ring()
    entry = AuditEntry(
        at=timezone.now(),
        actor=person,
        actor_name=str(actor)[:150],
        ip=actor.ip or "",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        result=result,
        changes=jsonable(changes),
        detail=str(detail)[:500],
        prev_hash=head.last_hash,
        key_id=ring.current_id,
    )
    entry.hash = entry_hash(head.last_hash, entry, ring)
    entry.save()
    AuditHead.objects.filter(pk=1).update(last_hash=entry.hash)
    return entry


def audit_refusals(action, target=None, refusals=(PermissionDenied,)):
    """Decorate a service so that a refusal is audited even though its transaction rolls back.

    Put it *outside* ``@transaction.atomic``. ``target`` names the keyword argument that holds the
    object acted on. The refusal is re-raised unchanged.
    """
    def decorate(service):
        @wraps(service)
        def wrapper(*args, actor, **kwargs):
            try:
                return service(*args, actor=actor, **kwargs)
            except refusals as refused:
                message = "；".join(getattr(refused, "messages", None) or [str(refused)])
                audit_record(actor, action, kwargs.get(target) if target else None,
                             result=AuditEntry.Result.DENIED, detail=message)
                raise
        return wrapper
    return decorate


def verify_chain(batch_size=2000):
    """Walk the chain from the start; return None when intact, else the first bad row (or a finding).

    Beside the keyed chain itself, every signed checkpoint written outside the database must still
    match: a chain cut back and re-headed, or re-signed with a stolen key, disagrees with them.
    """
    ring = key_ring()
    try:
        checkpoints = {cp["last_id"]: cp for cp in load_checkpoints(ring)}
    except BadCheckpoint as finding:
        return finding
    expected_prev = GENESIS
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != expected_prev or entry_hash(row.prev_hash, row, ring) != row.hash:
                return row
            if (cp := checkpoints.pop(row.id, None)) is not None and cp["last_hash"] != row.hash:
                return CheckpointMismatch(row.id, f"第 #{row.id} 条与检查点（{cp['at']}）记录的哈希不符")
            expected_prev = row.hash
            last_id = row.id
    if checkpoints:
        missing = min(checkpoints)
        return CheckpointMismatch(missing, f"检查点（{checkpoints[missing]['at']}）记录的第 #{missing} 条已不存在")
    head = AuditHead.objects.filter(pk=1).first()
    if head and head.last_hash != expected_prev:
        return BrokenTail(last_id)
    return None


class BrokenTail:
    """Rows were removed from the end of the chain: the head no longer matches the last row."""

    def __init__(self, last_id):
        self.id = last_id + 1
        self.detail = f"链尾缺失：最后一条为 #{last_id}，与链头记录不符"

    def __str__(self):
        return self.detail


def diff_fields(instance, fields, before):
    """``{field: [old, new]}`` for the fields whose value changed since ``before`` (a dict)."""
    changes = {}
    for name in fields:
        old, new = before.get(name), getattr(instance, name)
        if old != new:
            changes[name] = [old, new]
    return changes
