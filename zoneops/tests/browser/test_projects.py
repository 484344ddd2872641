"""The key-project flow in a real browser: a 项目专员 files a progress report with a photo from a phone,
and the zone leader sees it on the 挂图作战 battle map."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from zoneops.audit.context import Actor
from zoneops.core.money import YUAN_PER_WAN
from zoneops.org.models import Person, Scope, Unit
from zoneops.org.services import grant_create, person_create
from zoneops.org.tests.factories import role
from zoneops.projects import services
from zoneops.projects.choices import Stage
from zoneops.projects.models import ProgressReport
from zoneops.tests.browser.conftest import DEMO_PASSWORD, LAPTOP, Tab
from zoneops.tests.browser.test_foundation import sign_in

PROJECT = "辛市镇智能装备产业园建设项目"
COMMISSIONER_PASSWORD = "Zhuanyuan#2026"


@pytest.fixture
def commissioned_project(demo_zone):
    system = Actor.system()
    town = Unit.objects.get(code="jkq-xsz")
    commissioner = person_create(actor=system, username="zy-xinshi", name="钱专员", unit=town, title="项目专员",
                                 password=COMMISSIONER_PASSWORD)
    Person.objects.filter(pk=commissioner.pk).update(must_change_password=False)
    grant_create(actor=system, person=commissioner, role=role("commissioner"), scope=Scope.OWN)
    today = timezone.localdate()
    project = services.project_create(
        actor=system, name=PROJECT, enterprise="渭南智造装备有限公司", responsible_unit=town,
        leader=Person.objects.get(username="demo-leader"), commissioner=commissioner,
        total_investment=52_000 * YUAN_PER_WAN, year_plan_investment=18_000 * YUAN_PER_WAN,
        planned_start=today - timedelta(days=200), planned_completion=today + timedelta(days=300))
    services.project_change_stage(actor=system, project=project, to_stage=Stage.BUILDING, reason="补录在建项目",
                                  effective_on=today - timedelta(days=190))
    services.milestone_add(actor=system, project=project, name="主体封顶", planned_date=today + timedelta(days=20))
    return project


def _photo_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (40, 110, 180)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_commissioner_reports_from_a_phone_and_the_leader_sees_it_on_the_battle_map(
        browser, live_server, phone, commissioned_project, artifacts):
    sign_in(phone, "zy-xinshi", COMMISSIONER_PASSWORD)
    phone.goto("/projects/mine/")
    phone.get_by_role("link", name=PROJECT).click()
    expect(phone.get_by_role("heading", name=re.compile(PROJECT))).to_be_visible()
    phone.get_by_role("link", name="进度填报").click()
    phone.get_by_label("本期完成投资（万元）").fill("1260.5")
    phone.get_by_label("形象进度（%）").fill("66")
    phone.get_by_label("在岗人数").fill("128")
    phone.get_by_label("形象进度描述").fill("主体钢结构吊装完成，设备基础施工中")
    phone.get_by_label("现场照片").set_input_files(
        [{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": _photo_bytes()}])
    phone.screenshot(path=artifacts / "phone-report-form.png", full_page=True)
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_text(re.compile("已提交.*进度"))).to_be_visible()
    expect(phone.get_by_text("主体钢结构吊装完成，设备基础施工中")).to_be_visible()
    expect(phone.locator("img.zo-thumb")).to_have_count(1)
    phone.screenshot(path=artifacts / "phone-report-filed.png", full_page=True)
    # The commissioner's scope is 仅本人: the battle map shows their one project only.
    phone.goto("/projects/battle-map/")
    expect(phone.locator(".zo-bm-link")).to_have_count(1)

    # Only accepted reports count in figures (the battle map's % too): the project office accepts it.
    report = ProgressReport.objects.get(project=commissioned_project)
    services.progress_report_review(actor=Actor.system(), report=report, accept=True)

    leader_tab = Tab(browser, live_server, viewport=LAPTOP)
    leader = leader_tab.page
    sign_in(leader, "demo-leader", DEMO_PASSWORD)
    leader.locator(".zo-sidebar").get_by_role("link", name="挂图作战").click()
    row = leader.locator("g", has=leader.locator(".zo-bm-link", has_text=PROJECT)).first
    expect(row).to_be_visible()
    expect(row.locator(".zo-bm-progress")).to_have_text("66%")
    leader.screenshot(path=artifacts / "laptop-battle-map.png", full_page=True)
    leader.locator(".zo-bm-link", has_text=PROJECT).click()
    expect(leader.get_by_text("主体钢结构吊装完成，设备基础施工中")).to_be_visible()
    thumbnail = leader.locator("img.zo-thumb")
    expect(thumbnail).to_have_count(1)
    assert thumbnail.evaluate("img => img.naturalWidth") > 0, "the photo did not load for the leader"
    leader_tab.close()
