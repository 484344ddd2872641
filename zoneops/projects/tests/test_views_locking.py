"""Optimistic locking in the pages: forms carry the version the editor started from (review defect).

A second filing for the same period, an edit of a report changed meanwhile, and an edit that arrives
without a version are conflicts shown in Chinese; nothing is overwritten.
"""

import pytest

from zoneops.audit.context import Actor
from zoneops.core.models import MISSING_VERSION_MESSAGE as MISSING_VERSION
from zoneops.core.money import YUAN_PER_WAN
from zoneops.projects import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]

FILING = {"period_key": "2026-10", "invested": "100", "percent": "30", "workers": "50", "progress_text": "基础施工"}


def _report_url(project, period=""):
    return f"/projects/{project.pk}/report/" + (f"?period={period}" if period else "")


def test_a_second_filing_for_the_same_period_is_a_conflict_not_an_overwrite(client, world):
    client.force_login(world.township)
    assert client.post(_report_url(world.ours), FILING).status_code == 302
    # A colleague who opened the empty form before that filing submits it now.
    response = client.post(_report_url(world.ours), {**FILING, "invested": "999", "progress_text": "另一份"})
    assert response.status_code == 200 and "该期进度已有填报" in response.content.decode()
    report = world.ours.reports.get()
    assert report.invested == 100 * YUAN_PER_WAN and report.progress_text == "基础施工" and report.version == 1


def test_changing_a_filed_report_carries_its_version(client, world):
    client.force_login(world.township)
    client.post(_report_url(world.ours), FILING)
    report = world.ours.reports.get()
    form = client.get(_report_url(world.ours, "2026-10")).content.decode()
    assert 'name="version" value="1"' in form and "正在修改2026-10的填报" in form and "基础施工" in form
    # The period is fixed while editing: a posted period_key cannot move the version to another report.
    response = client.post(_report_url(world.ours, "2026-10"), {**FILING, "period_key": "2026-11",
                                                                "invested": "120", "version": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.invested == 120 * YUAN_PER_WAN and report.version == 2
    assert world.ours.reports.count() == 1


def test_an_edit_of_a_report_changed_meanwhile_is_refused(client, world):
    client.force_login(world.township)
    client.post(_report_url(world.ours), FILING)
    report = world.ours.reports.get()
    services.progress_report_review(actor=Actor.system(), report=report, accept=False, comment="请补充照片")
    # The filer opened the edit page at version 2; the reviewer's colleague re-files first (version 3).
    services.progress_report_submit(actor=Actor.system(), project=world.ours, period_key="2026-10", invested=0,
                                    progress_text="已补充", percent=31, expected_version=2)
    stale = client.post(_report_url(world.ours, "2026-10"), {**FILING, "invested": "130", "version": "2"})
    assert "该记录已被他人修改，请刷新后重试" in stale.content.decode()
    missing = client.post(_report_url(world.ours, "2026-10"), {**FILING, "invested": "130"})
    assert MISSING_VERSION in missing.content.decode()
    report.refresh_from_db()
    assert report.progress_text == "已补充" and report.version == 3


def test_a_project_edit_without_or_with_a_stale_version_is_refused(client, world):
    client.force_login(world.office)
    url = f"/projects/{world.ours.pk}/edit/"
    drawn = world.ours.version
    assert f'name="version" value="{drawn}"' in client.get(url).content.decode()
    fields = {"name": "改名项目", "enterprise": world.ours.enterprise, "build_nature": world.ours.build_nature,
              "responsible_unit": world.ours.responsible_unit_id, "total_investment": "10000"}
    missing = client.post(url, fields)
    assert missing.status_code == 200 and MISSING_VERSION in missing.content.decode()
    services.project_update(actor=Actor.system(), project=world.ours, expected_version=drawn, location="乙镇")
    stale = client.post(url, {**fields, "version": drawn})
    assert "该记录已被他人修改" in stale.content.decode()
    world.ours.refresh_from_db()
    assert world.ours.name == "甲镇食品项目" and world.ours.location == "乙镇"
    assert client.post(url, {**fields, "version": world.ours.version}).status_code == 302
    world.ours.refresh_from_db()
    assert world.ours.name == "改名项目"
