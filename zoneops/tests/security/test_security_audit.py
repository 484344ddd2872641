"""等保2.0 三级 · 安全审计 (GB/T 22239-2019 8.1.4.3): every important event recorded, records protected.

c) 审计记录应受到保护，避免受到未预期的删除、修改或覆盖: the chain is keyed (HMAC-SHA256, key outside the
database) and signed checkpoints outside the database catch a chain cut back or re-signed.
Each test names the control it proves in its docstring; each fails when that control is removed.
"""

import hashlib
import io
import json
import os
import stat
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from PIL import Image

from zoneops.audit import guards
from zoneops.audit.checkpoints import write_checkpoint
from zoneops.audit.context import Actor
from zoneops.audit.keys import key_ring
from zoneops.audit.models import AuditEntry
from zoneops.audit.services import GENESIS, _canonical, audit_record, verify_chain
from zoneops.projects import services as project_services
from zoneops.projects.choices import Stage
from zoneops.projects.tests.factories import ProjectFactory
from zoneops.tests.security.conftest import bearer

pytestmark = pytest.mark.django_db


def _rows(n=6):
    for i in range(n):
        audit_record(Actor(person=None, ip="10.0.0.1"), "test.event", ("thing", i, f"第{i}件"),
                     changes={"amount": [i, i + 1]})
    return list(AuditEntry.objects.order_by("id"))


def _tamper(statements):
    """As an attacker who owns the database would: drop the append-only guard, edit, put it back."""
    guards.remove(connection)
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    guards.install(connection)


def _rechain_from(rows, start, sign):
    """Recompute prev_hash/hash of rows[start:] with ``sign`` and rewind the head to the new end."""
    statements = []
    prev = rows[start - 1].hash if start else GENESIS
    for row in rows[start:]:
        row.refresh_from_db()
        new = sign(prev, row)
        statements.append(("UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s", [prev, new, row.id]))
        prev = new
    statements.append(("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [prev]))
    _tamper(statements)


def _plain_sha256(prev, row):
    return hashlib.sha256((prev + _canonical(row)).encode()).hexdigest()


def _with_stolen_key(prev, row):
    return key_ring().sign(row.key_id, prev + _canonical(row))


def test_cut_tail_and_rewound_head_is_detected_by_the_checkpoint(capsys):
    """安全审计 c)：删除链尾并回退链头 — caught by the signed checkpoint written outside the database."""
    rows = _rows()
    call_command("audit", "checkpoint")
    keep = rows[-3]
    _tamper([("DELETE FROM audit_auditentry WHERE id > %s", [keep.id]),
             ("UPDATE audit_audithead SET last_hash = %s WHERE id = 1", [keep.hash])])
    bad = verify_chain()
    assert bad is not None and bad.id == rows[-1].id
    with pytest.raises(CommandError, match="检查点"):
        call_command("audit", "verify")


def test_rewritten_row_with_recomputed_plain_hashes_is_detected():
    """安全审计 c)：改写一行并重算哈希 — without the HMAC key the recomputed chain does not verify."""
    rows = _rows()
    _tamper([("UPDATE audit_auditentry SET detail = %s WHERE id = %s", ["改过的", rows[2].id])])
    _rechain_from(rows, 2, _plain_sha256)
    bad = verify_chain()
    assert bad is not None and bad.id == rows[2].id
    with pytest.raises(CommandError, match=f"#{rows[2].id}"):
        call_command("audit", "verify")


def test_rewritten_chain_resigned_with_a_stolen_key_disagrees_with_the_checkpoint():
    """安全审计 c)：即使密钥泄露、整链用真密钥重算，也与此前写在库外的签名检查点不符."""
    rows = _rows()
    write_checkpoint()
    _tamper([("UPDATE audit_auditentry SET detail = %s WHERE id = %s", ["改过的", rows[1].id])])
    _rechain_from(rows, 1, _with_stolen_key)
    bad = verify_chain()
    assert bad is not None and bad.id == rows[-1].id and "检查点" in str(bad)


SET_CHANGES = "UPDATE audit_auditentry SET changes = %s WHERE id = %s"
SET_ACTOR = "UPDATE audit_auditentry SET actor_id = %s WHERE id = %s"


@pytest.mark.parametrize("column", ["changes", "actor"])
def test_the_hash_covers_changes_and_actor(people, column):
    """安全审计 b)/c)：哈希覆盖变更内容（changes）与操作人（actor）— editing either breaks the chain."""
    audit_record(Actor(person=people.staff), "test.event", ("thing", 1, "一件"), changes={"amount": [0, 1]})
    entry = AuditEntry.objects.filter(action="test.event").get()
    if column == "changes":
        _tamper([(SET_CHANGES, [json.dumps({"amount": [0, 999]}), entry.id])])
    else:
        _tamper([(SET_ACTOR, [people.auditor.pk, entry.id])])
    assert verify_chain().id == entry.id


def test_forged_checkpoint_is_refused(settings):
    """安全审计 c)：检查点本身有签名 — an attacker cannot write a checkpoint for the rewound chain."""
    _rows(2)
    path = write_checkpoint()
    data = json.loads(path.read_text())
    data["last_hash"] = "0" * 64
    path.write_text(json.dumps(data))
    assert "签名无效" in str(verify_chain())


def test_key_lives_outside_the_database_in_a_0600_file(settings, tmp_path):
    """安全审计 c)：密钥不在数据库中 — generated into a 0600 file under $ZONEOPS_HOME; a readable one is refused."""
    settings.ZONEOPS_AUDIT_KEY = ""
    settings.ZONEOPS_AUDIT_KEY_FILE = tmp_path / "audit_key"
    entry = audit_record(Actor.system(), "test.event")
    assert stat.S_IMODE(os.stat(tmp_path / "audit_key").st_mode) == 0o600
    assert entry.key_id == "k1" and (tmp_path / "audit_key").read_text().split(":")[1].strip() not in str(
        list(AuditEntry.objects.values()))
    os.chmod(tmp_path / "audit_key", 0o644)
    with pytest.raises(ImproperlyConfigured, match="0600"):
        audit_record(Actor.system(), "test.event")


def test_key_rotation_keeps_old_rows_verifiable(settings, tmp_path):
    """安全审计 c)：密钥轮换 — rows signed by the old key still verify; new rows use the new key."""
    settings.ZONEOPS_AUDIT_KEY = ""
    settings.ZONEOPS_AUDIT_KEY_FILE = tmp_path / "audit_key"
    _rows(3)
    call_command("audit", "rotate-key")
    audit_record(Actor.system(), "test.after")
    assert AuditEntry.objects.order_by("-id").first().key_id == "k2"
    assert verify_chain() is None
    (tmp_path / "audit_key").write_text((tmp_path / "audit_key").read_text().splitlines()[-1] + "\n")
    assert verify_chain() is not None  # dropping the old key makes its rows unverifiable


@pytest.mark.django_db(transaction=True)
def test_worker_writes_the_checkpoint_on_schedule(settings):
    """安全审计 c)：检查点由后台任务定时写入 — `zoneops worker` queues it (ZONEOPS_PERIODIC_TASKS)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _rows(2)
    call_command("worker", "--batch")
    files = list(settings.ZONEOPS_AUDIT_CHECKPOINT_DIR.glob("checkpoint-*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["last_id"] >= 2


def test_refused_requests_are_audited(client, people, tree):
    """安全审计 a)：被拒绝的访问（403 与数据范围外的 404）写入审计日志."""
    outside = ProjectFactory(responsible_unit=tree.town_b)
    client.force_login(people.township)
    assert client.get("/audit/").status_code == 403
    assert client.get(f"/projects/{outside.pk}/").status_code == 404
    assert client.get(f"/api/v1/projects/{outside.pk}").status_code == 404
    refused = AuditEntry.objects.filter(actor=people.township, result="denied")
    assert refused.filter(action="http.forbidden", object_id="/audit/").exists()
    assert refused.filter(action="http.not_found", object_id=f"/projects/{outside.pk}/").exists()
    assert refused.filter(action="http.not_found", object_id=f"/api/v1/projects/{outside.pk}").exists()


def test_invalid_bearer_tokens_are_audited():
    """安全审计 a)：无效令牌 — each request with an unknown bearer token leaves a denied row."""
    response = Client().get("/api/v1/me", **bearer("zo_not-a-real-token"), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 401
    entry = AuditEntry.objects.get(action="auth.token")
    assert entry.result == "denied" and entry.ip == "198.51.100.4" and entry.detail == "无效令牌"


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (1, 2, 3)).save(buffer, format="JPEG")
    return SimpleUploadedFile("site.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_reads_of_a_project_a_photo_and_a_person_are_audited(client, people, tree, settings, tmp_path):
    """安全审计 a)：重要数据的读取 — a project page, a site photo and a person's record are recorded."""
    settings.MEDIA_ROOT = tmp_path
    project = ProjectFactory(responsible_unit=tree.town_a)
    project_services.project_change_stage(actor=Actor.system(), project=project, to_stage=Stage.STARTED,
                                          reason="补录", effective_on=date(2026, 1, 10))
    project.refresh_from_db()
    report = project_services.progress_report_submit(
        actor=Actor.system(), project=project, period_key="2026-10", invested=1, progress_text="施工",
        percent=10, photos=[_photo()])
    photo = report.photos.get()
    client.force_login(people.township)
    for url in (f"/projects/{project.pk}/", f"/projects/photos/{photo.pk}/", f"/org/people/{people.township.pk}/",
                f"/api/v1/projects/{project.pk}"):
        assert client.get(url).status_code == 200, url
    reads = AuditEntry.objects.filter(actor=people.township)
    assert reads.filter(action="project.read", object_id=str(project.pk)).count() == 2  # page and API
    assert reads.filter(action="photo.read", object_id=str(photo.pk)).exists()
    assert reads.filter(action="person.read", object_id=str(people.township.pk)).exists()


def test_api_paging_is_audited_like_an_export(client, people, tree):
    """安全审计 a)：批量读取 — every API page pulled is an `export` row with its row count."""
    for _ in range(3):
        ProjectFactory(responsible_unit=tree.town_a)
    client.force_login(people.township)
    client.get("/api/v1/projects?page_size=2")
    client.get("/api/v1/projects?page_size=2&page=2")
    pages = AuditEntry.objects.filter(actor=people.township, action="export").order_by("id")
    assert [entry.changes["rows"] for entry in pages] == [2, 1]
    assert [entry.changes["page"] for entry in pages] == [1, 2]


def test_audit_admin_reads_are_audited_with_htmx_too(client, people):
    """安全审计 a)：审计管理员的每次查阅（含 htmx 局部刷新、翻页、排序）都写入审计日志."""
    client.force_login(people.auditor)
    client.get("/audit/")
    client.get("/audit/?page=2&sort=at", HTTP_HX_REQUEST="true")
    assert AuditEntry.objects.filter(action="audit.view", actor=people.auditor).count() == 2
