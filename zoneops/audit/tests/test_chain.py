"""The audit log is append-only and hash-chained; tampering is found by `zoneops audit verify`."""


import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, InternalError, OperationalError, connection, transaction

from zoneops.audit import guards
from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.audit.services import audit_record, verify_chain
from zoneops.org.tests.factories import PersonFactory, grant

pytestmark = pytest.mark.django_db(transaction=True)

DB_REFUSALS = (IntegrityError, InternalError, OperationalError)


def _write_rows(n=5):
    for i in range(n):
        audit_record(Actor(person=None, ip="127.0.0.1"), "test.event", ("thing", i, f"第{i}件"),
                     changes={"amount": [i, i + 1]})


def _without_triggers(sql, params):
    """Tamper the way an attacker with database access would: drop the guard, then edit."""
    guards.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    guards.install(connection)


def test_intact_chain_verifies(capsys):
    _write_rows()
    assert verify_chain() is None
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out


def test_edited_row_is_detected():
    _write_rows()
    target = AuditEntry.objects.order_by("id")[2]
    _without_triggers("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["改过的", target.id])
    bad = verify_chain()
    assert bad is not None and bad.id == target.id
    with pytest.raises(CommandError, match=f"#{target.id}"):
        call_command("audit", "verify")


def test_deleted_middle_row_is_detected():
    _write_rows()
    rows = list(AuditEntry.objects.order_by("id"))
    _without_triggers("DELETE FROM audit_auditentry WHERE id = %s", [rows[1].id])
    assert verify_chain().id == rows[2].id


def test_deleted_last_row_is_detected():
    _write_rows()
    last = AuditEntry.objects.order_by("-id").first()
    _without_triggers("DELETE FROM audit_auditentry WHERE id = %s", [last.id])
    assert verify_chain() is not None


def test_database_refuses_update_and_delete():
    _write_rows(2)
    entry = AuditEntry.objects.first()
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(detail="x")
    with pytest.raises(DB_REFUSALS), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_service_writes_are_audited_with_changed_fields(tree):
    person = PersonFactory(name="老王", unit=tree.zone)
    from zoneops.org.services import person_update

    person_update(actor=Actor(person=None, ip="10.1.1.1"), person=person, expected_version=person.version,
                  title="主任", phone="13800000000")
    entry = AuditEntry.objects.filter(action="person.update").first()
    assert entry.changes == {"title": ["", "主任"], "phone": ["", "13800000000"]}
    assert entry.ip == "10.1.1.1" and entry.object_repr == "老王"
    assert entry.at.tzinfo is not None


def test_only_auditor_reads_the_log_and_reading_is_audited(client, tree):
    admin = PersonFactory(unit=tree.zone)
    grant(admin, "system_admin", scope="all")
    auditor = PersonFactory(unit=tree.zone)
    grant(auditor, "auditor", scope="all")
    client.force_login(admin)
    assert client.get("/audit/").status_code == 403
    client.force_login(auditor)
    assert client.get("/audit/").status_code == 200
    assert AuditEntry.objects.filter(action="audit.view", actor=auditor).exists()
    # No write path exists: a POST to the audit URL changes and removes nothing (at most a read is appended).
    before = list(AuditEntry.objects.order_by("pk").values_list())
    client.post("/audit/", {"id": before[0][0], "action": "x", "delete": before[0][0]})
    after = list(AuditEntry.objects.order_by("pk").values_list())
    assert after[: len(before)] == before
