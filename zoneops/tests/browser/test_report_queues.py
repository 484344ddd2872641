"""The report queues in a real browser (issue 8, item 11): a township files the open period from its
phone queue with one tap, the project office returns it with a reason from 待审核, and the township sees
it under 被退回 with that reason."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from zoneops.audit.context import Actor
from zoneops.core.money import YUAN_PER_WAN
from zoneops.org.models import Unit
from zoneops.projects import services
from zoneops.projects.choices import Stage
from zoneops.projects.models import ProgressReport, ProjectRules
from zoneops.tests.browser.conftest import LAPTOP, Tab
from zoneops.tests.browser.test_foundation import sign_in

PROJECT = "辛市镇新能源电池结构件项目"
REASON = "本期投资与监理月报不一致，请核实后重报"


def test_township_files_from_the_phone_queue_and_sees_the_return_reason(browser, live_server, phone, artifacts):
    system = Actor.system()
    town = Unit.objects.get(code="jkq-xsz")
    today = timezone.localdate()
    project = services.project_create(
        actor=system, name=PROJECT, enterprise="渭南新能源科技有限公司", responsible_unit=town,
        total_investment=30_000 * YUAN_PER_WAN, planned_start=today - timedelta(days=120),
        planned_completion=today + timedelta(days=400), reporting_from=today - timedelta(days=120))
    services.project_change_stage(actor=system, project=project, to_stage=Stage.BUILDING, reason="补录在建项目",
                                  effective_on=today - timedelta(days=100))
    period = services.open_report_period(ProjectRules.for_unit(town), today)

    sign_in(phone, "demo-town-a")
    phone.goto("/projects/reports/mine/")
    item = phone.locator("#queue-unfiled .zo-queue-item", has_text=PROJECT)
    expect(item).to_be_visible()
    phone.screenshot(path=artifacts / "phone-report-queue.png", full_page=True)
    item.get_by_role("link", name=f"填报{period.label}").click()
    expect(phone.get_by_label("填报期间")).to_have_value(period.key)
    phone.get_by_label("本期完成投资（万元）").fill("860")
    phone.get_by_label("形象进度（%）").fill("35")
    phone.get_by_label("形象进度描述").fill("主体结构施工至三层")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_text(re.compile(f"已提交{period.key}进度"))).to_be_visible()

    office_tab = Tab(browser, live_server, viewport=LAPTOP)
    office = office_tab.page
    sign_in(office, "demo-xm")
    office.locator(".zo-sidebar").get_by_role("link", name="待审核").click()
    office.get_by_label("期间").fill(period.key)
    office.get_by_role("button", name="筛选").click()
    report = ProgressReport.objects.get(project=project)
    office.locator(f"#review-{report.pk}").check()
    office.get_by_role("button", name="批量退回").click()
    expect(office.get_by_text("退回须填写意见")).to_be_visible()  # a return needs a reason
    expect(office.locator(f"#review-{report.pk}")).to_be_checked()
    office.get_by_label("意见（退回必填）").fill(REASON)
    office.get_by_role("button", name="批量退回").click()
    expect(office.get_by_text("已退回1份填报")).to_be_visible()
    office_tab.close()

    phone.goto("/projects/reports/mine/")
    returned = phone.locator("#queue-returned .zo-queue-item", has_text=PROJECT)
    expect(returned).to_be_visible()
    expect(returned.locator(".zo-return-reason")).to_contain_text(REASON)
    phone.screenshot(path=artifacts / "phone-report-returned.png", full_page=True)
    returned.get_by_role("link", name="修改重报").click()
    expect(phone.get_by_text(re.compile(f"正在修改{period.key}的填报"))).to_be_visible()
