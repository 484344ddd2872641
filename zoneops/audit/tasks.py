"""Background tasks of the audit app (run by `zoneops worker`)."""

from django_tasks import task

from zoneops.audit.checkpoints import write_checkpoint
from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.audit.services import audit_record, verify_chain


@task()
def verify_audit_chain():
    """Walk the hash chain and record the outcome in the log itself; returns the first bad row id or None."""
    bad = verify_chain()
    audit_record(Actor.system(), "audit.verify", result=AuditEntry.Result.FAILURE if bad else AuditEntry.Result.SUCCESS,
                 detail=f"第一条异常记录 #{bad.id}" if bad else "审计链完整")
    return bad.id if bad else None


@task()
def write_audit_checkpoint():
    """Sign the chain's current end into a checkpoint file (scheduled by the worker, see settings)."""
    path = write_checkpoint()
    return str(path) if path else None
