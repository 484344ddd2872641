"""Browser tests: Playwright drives Debian's system Chromium against pytest-django's live server.

Never download a browser (no `playwright install`): government intranets have no network, and the
system Chromium is what the deployment docs name. A missing Chromium is a failure, not a skip, so a
broken test machine cannot pass silently.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made from the test
# (fixtures building data) would otherwise be refused as "called from an async context".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = HERE.parents[2] / "test-artifacts"  # /work/main/test-artifacts (gitignored)
DEMO_PASSWORD = "Demo#2026zone"
LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
STYLESHEET = "zoneops/zoneops.css"  # proof that zoneops/static is visible to staticfiles


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium). "
                    "Do not run `playwright install`.", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def demo_zone(transactional_db, live_server):
    # zoneops/conftest.py lifts the audit log's append-only triggers for the flush after each test.
    from zoneops.demo.zone import build_demo_zone

    build_demo_zone(password=DEMO_PASSWORD)
    return live_server.url


class Tab:
    """A page plus what went wrong in it: JavaScript errors, Content-Security-Policy refusals, server
    errors (htmx swaps them silently) and static files that failed to load."""

    def __init__(self, browser, live_server, **options):
        self.context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", base_url=live_server.url,
                                           **options)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.problems = []
        self.page.on("pageerror", lambda error: self.problems.append(f"JavaScript: {error}"))
        self.page.on("console", self._check_console)
        self.page.on("response", self._check_response)

    def _check_console(self, message):
        # The strict CSP (docs/security.md) refuses inline code silently unless someone looks here.
        if "Content Security Policy" in message.text:
            self.problems.append(f"CSP: {message.text}")

    def _check_response(self, response):
        if response.status >= 500 or ("/static/" in response.url and response.status >= 400):
            self.problems.append(f"{response.status} {response.url}")

    def close(self):
        self.context.close()
        assert not self.problems, "the browser reported problems:\n" + "\n".join(self.problems)


@pytest.fixture
def laptop(browser, demo_zone, live_server):
    tab = Tab(browser, live_server, viewport=LAPTOP)
    yield tab.page
    tab.close()


@pytest.fixture
def phone(browser, demo_zone, live_server):
    tab = Tab(browser, live_server, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    yield tab.page
    tab.close()
