"""Phone first: at 390 px the ledger shows cards and a 筛选 toggle; the searchable unit picker finds a
unit by its pinyin initials and filters the ledger; the project form keeps 保存 on screen."""

import re

from playwright.sync_api import expect

from zoneops.tests.browser.test_foundation import sign_in


def open_picker(page, name):
    page.locator(".ts-wrapper", has=page.locator(f"#id_{name}-ts-control")).locator(".ts-control").click()


def test_ledger_cards_filters_and_picker_on_a_phone(phone, artifacts):
    sign_in(phone, "demo-xm")
    phone.goto("/projects/")
    table = phone.locator("#list-results table.zo-table")
    expect(table).to_have_class(re.compile(r"\bzo-cards\b"))
    expect(table.locator("thead")).to_be_hidden()
    first = table.locator("tbody tr").first
    assert first.bounding_box()["width"] <= 390  # a card, not a row of a wide table
    expect(first.locator("td").nth(2)).to_have_attribute("data-label", "阶段")
    filters = phone.locator("#list-filters")
    expect(filters).to_be_hidden()
    phone.screenshot(path=artifacts / "phone-ledger-cards.png", full_page=False)

    phone.get_by_role("button", name="筛选").click()
    expect(filters).to_be_visible()
    open_picker(phone, "unit")
    phone.keyboard.type("xsz")  # 辛市镇 by its pinyin initials
    option = phone.locator(".ts-dropdown .option", has_text="辛市镇").first
    expect(option).to_be_visible()
    phone.screenshot(path=artifacts / "phone-unit-picker.png", full_page=False)
    option.click()
    expect(phone).to_have_url(re.compile(r"unit=\d+"))
    cards = phone.locator("#list-results tbody tr")
    expect(cards.first).to_be_visible()
    for unit in cards.locator("td:nth-child(2)").all_inner_texts():
        assert "辛市镇" in unit


def test_ledger_money_toggle_and_the_form_save_bar(phone, artifacts):
    sign_in(phone, "demo-xm")
    phone.goto("/projects/?money=yi")
    expect(phone.locator("#list-footer")).to_contain_text("亿元")
    phone.goto("/projects/new/")
    save = phone.get_by_role("button", name="保存")
    expect(save).to_be_in_viewport()  # the sticky bar, though the form is many screens long
    open_picker(phone, "leader")
    people = phone.locator(".ts-dropdown .option:not([data-value=''])")
    expect(people.first).to_be_visible()
    names = people.all_inner_texts()
    assert names and not any("管理员" in name for name in names)
    phone.screenshot(path=artifacts / "phone-project-form.png", full_page=False)


def test_desktop_keeps_the_table(laptop):
    sign_in(laptop, "demo-xm")
    laptop.goto("/projects/")
    expect(laptop.locator("#list-results thead")).to_be_visible()
    expect(laptop.locator("#list-filters")).to_be_visible()
    expect(laptop.get_by_role("button", name="筛选")).to_be_hidden()


def test_battle_map_and_report_list_on_a_phone(phone, artifacts):
    sign_in(phone, "demo-xm")
    phone.goto("/projects/battle-map/")
    expect(phone.locator(".zo-bm-scroll")).to_be_hidden()
    expect(phone.locator("#list-filters")).to_be_hidden()
    phone.get_by_role("button", name="筛选").click()
    expect(phone.locator("#list-filters")).to_be_visible()
    cards = phone.locator(".zo-bm-cards li")
    expect(cards.first).to_be_visible()
    assert cards.first.bounding_box()["width"] <= 390
    phone.screenshot(path=artifacts / "phone-battle-map-cards.png", full_page=False)
    phone.goto("/projects/reports/")
    table = phone.locator("table.zo-table").first
    expect(table).to_have_class(re.compile(r"\bzo-cards\b"))
    phone.screenshot(path=artifacts / "phone-report-list.png", full_page=False)
