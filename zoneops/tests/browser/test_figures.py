"""A summary figure drills down to the ledger rows behind it, with the same count and total."""

import re

from playwright.sync_api import expect

from zoneops.tests.browser.test_foundation import sign_in


def test_office_picks_last_year_clicks_new_starts_and_lands_on_the_same_rows(laptop, artifacts):
    sign_in(laptop, "demo-leader")
    laptop.goto("/projects/summary/")
    year = int(laptop.get_by_label("年度").input_value())
    laptop.get_by_label("年度").fill(str(year - 1))
    laptop.get_by_role("button", name="查询").click()
    expect(laptop.get_by_role("heading", name=re.compile(f"{year - 1}年"))).to_be_visible()
    cell = laptop.locator("#figures tfoot a[data-figure=new_start]")
    count = int(cell.inner_text())
    amount = cell.locator("xpath=../following-sibling::td[1]").get_attribute("data-amount")  # 元
    assert count > 0, "the demo zone has projects started last year"
    laptop.screenshot(path=str(artifacts / "figures-summary.png"), full_page=True)
    cell.click()
    expect(laptop).to_have_url(re.compile(rf"/projects/\?figure=new_start&period={year - 1}$"))
    footer = laptop.locator("#list-footer")
    expect(footer).to_contain_text(f"合计 {count} 个，总投资 ")
    expect(footer).to_have_attribute("data-count", str(count))
    expect(footer).to_have_attribute("data-amount", amount)
    expect(laptop.locator("#figure-filter")).to_contain_text("新开工")
    laptop.screenshot(path=str(artifacts / "figures-drilldown.png"), full_page=True)
