"""The enterprise registry in a real browser, on a phone: 招商局 registers an investor whose name is a
near-duplicate (繁体, 有限责任公司) of one already in 企业库, is warned with a link to it, confirms, and
a 乡镇 user sees the contact's phone masked."""

import re

import pytest
from playwright.sync_api import expect

from zoneops.audit.context import Actor
from zoneops.enterprises import services
from zoneops.org.models import Unit
from zoneops.tests.browser.test_foundation import sign_in

EXISTING = "渭南华阳食品有限公司"


@pytest.fixture
def existing(demo_zone):
    return services.enterprise_create(
        actor=Actor.system(), unit=Unit.objects.get(code="jkq-xsz"), name=EXISTING, uscc="91110000600037341L",
        contacts=[{"name": "张经理", "title": "总经理", "phone": "13912345678"}])


def test_investment_bureau_is_warned_of_a_near_duplicate_and_phones_are_masked_for_townships(
        browser, live_server, phone, laptop, existing):
    sign_in(phone, "demo-zs")
    phone.goto("/enterprises/new/")
    phone.get_by_label("企业名称").fill("渭南華陽食品有限責任公司")
    phone.get_by_label("统一社会信用代码").fill("914403001922038216")
    phone.get_by_label("登记单位").select_option(label="招商局")
    phone.get_by_label("专精特新").check()
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_text(re.compile("企业库中已有名称相近的企业"))).to_be_visible()
    phone.get_by_label("确认不是同一企业（名称相近时）").check()
    phone.get_by_role("button", name="保存").click()
    expect(phone.get_by_role("heading", name=re.compile("渭南華陽食品有限責任公司"))).to_be_visible()
    expect(phone.get_by_text("专精特新")).to_be_visible()

    sign_in(laptop, "demo-town-a")
    laptop.goto("/enterprises/")
    laptop.get_by_role("searchbox").fill("wnhy")
    expect(laptop.get_by_role("link", name=EXISTING)).to_be_visible()
    expect(laptop.get_by_text("139****5678")).to_be_visible()
    expect(laptop.get_by_text("13912345678")).to_have_count(0)
    laptop.get_by_role("link", name="企业库").first.click()
    expect(laptop).to_have_url(re.compile(r"/enterprises/$"))
