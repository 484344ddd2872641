"""我的下载 in a real browser: a large export goes to the worker, the list follows its progress by
itself (htmx polling), and the finished file downloads."""

import re

from django.core.management import call_command
from playwright.sync_api import expect

from zoneops.tests.browser.test_foundation import sign_in


def test_a_large_export_appears_in_my_downloads_and_downloads(laptop, settings, artifacts):
    settings.ZONEOPS_EXPORT_INLINE_ROWS = 0  # every export goes to the worker
    sign_in(laptop, "demo-xm")
    laptop.goto("/projects/")
    laptop.get_by_role("link", name="导出台账").click()
    expect(laptop).to_have_url(re.compile(r"/jobs/$"))
    expect(laptop.get_by_text("台账正在后台生成")).to_be_visible()
    row = laptop.locator("#job-rows tr", has_text="项目库台账导出")
    expect(row.get_by_text("排队中")).to_be_visible()

    call_command("worker", batch=True, verbosity=0)  # the page is not reloaded: polling brings the result

    expect(row.get_by_text("已完成")).to_be_visible(timeout=8000)
    with laptop.expect_download() as download:
        row.get_by_role("link", name="下载").click()
    assert re.fullmatch(r"重点项目台账-\d{8}\.xlsx", download.value.suggested_filename)
    laptop.screenshot(path=artifacts / "my-downloads.png", full_page=True)

    laptop.locator(".zo-topbar").get_by_role("button", name="张项目").click()
    expect(laptop.get_by_role("link", name="我的下载")).to_be_visible()
