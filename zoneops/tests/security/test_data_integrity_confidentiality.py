"""等保2.0 三级 · 数据完整性 / 数据保密性 (GB/T 22239-2019 8.1.4.7, 8.1.4.8): no silent overwrite, and the
keys that protect sessions, tokens and the audit log are never invented per host nor kept in the database.

Each test names the control it proves in its docstring; each fails when that control is removed.
"""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.conf import settings as django_settings

from zoneops.accounts.models import ApiToken
from zoneops.accounts.services import token_create
from zoneops.audit.context import Actor
from zoneops.core.errors import ConflictError
from zoneops.org.models import Person
from zoneops.org.services import person_update
from zoneops.projects import services as project_services
from zoneops.projects.choices import Stage
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_a_form_posted_without_a_version_is_a_conflict_not_an_overwrite(client, people):
    """数据完整性：提交缺少版本号 — the edit is refused as a conflict instead of overwriting silently."""
    victim = people.staff
    client.force_login(people.system_admin)
    form = {"name": "改名", "unit": victim.unit_id, "title": "科员", "phone": ""}
    page = client.post(f"/org/people/{victim.pk}/edit/", form)
    assert page.status_code == 200 and "缺少版本号" in page.content.decode()
    assert Person.objects.get(pk=victim.pk).name == victim.name
    with pytest.raises(ConflictError):
        person_update(actor=Actor.system(), person=victim, expected_version=None, name="又改名")
    assert client.post(f"/org/people/{victim.pk}/edit/", {**form, "version": victim.version}).status_code == 302


def test_api_report_output_carries_the_version_an_api_client_amends_with(client, people, tree):
    """数据完整性：接口输出版本号 — an API client can amend a returned report with it; without it, 409."""
    project = ProjectFactory(responsible_unit=tree.town_a)
    project_services.project_change_stage(actor=Actor.system(), project=project, to_stage=Stage.STARTED,
                                          reason="补录", effective_on=date(2026, 1, 10))
    client.force_login(people.township)
    body = {"period_key": "2026-10", "invested": 100, "percent": 10, "progress_text": "基础施工"}
    url = f"/api/v1/projects/{project.pk}/progress"
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201
    version = created.json()["version"]
    report = project.reports.get()
    project_services.progress_report_review(actor=Actor.system(), report=report, accept=False, comment="补照片")
    listed = {row["period_key"]: row for row in client.get(url).json()}
    assert listed["2026-10"]["version"] == version + 1
    assert client.post(url, {**body, "invested": 120}, content_type="application/json").status_code == 409
    stale = client.post(url, {**body, "invested": 120, "version": version}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["current_version"] == version + 1
    amended = client.post(url, {**body, "invested": 120, "version": version + 1}, content_type="application/json")
    assert amended.status_code == 201 and amended.json()["invested"] == 120


def _start_in_production(tmp_path, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("ZONEOPS_")}
    environment.update(ZONEOPS_HOME=str(tmp_path), ZONEOPS_PRODUCTION="true", ZONEOPS_ALLOWED_HOSTS="zone.example",
                       DJANGO_SETTINGS_MODULE="zoneops.settings", **env)
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=environment,  # noqa: S603
                          capture_output=True, text=True, timeout=60, check=False)


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    """数据保密性：生产环境必须提供 ZONEOPS_SECRET_KEY — no per-host generated key, a clear message instead."""
    refused = _start_in_production(tmp_path)
    assert refused.returncode != 0 and "ZONEOPS_SECRET_KEY 未设置" in refused.stderr
    assert not (tmp_path / "secret_key").exists()
    started = _start_in_production(tmp_path, ZONEOPS_SECRET_KEY="k" * 50)
    assert started.returncode == 0, started.stderr


def test_tokens_and_the_audit_key_are_not_stored_in_the_database(people):
    """数据保密性：鉴别信息加密存储 — only a token's SHA-256 is stored; the audit HMAC key is outside the DB."""
    token, raw = token_create(actor=Actor(person=people.staff), person=people.staff)
    assert raw not in str(list(ApiToken.objects.values()))
    assert django_settings.ZONEOPS_AUDIT_KEY or django_settings.ZONEOPS_AUDIT_KEY_FILE.exists()
