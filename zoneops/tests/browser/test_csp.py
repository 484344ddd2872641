"""The strict Content-Security-Policy in a real browser: pages that draw charts, the battle map and the
vendored API docs run without a single CSP refusal (the Tab fixture fails on any)."""

from playwright.sync_api import expect

from zoneops.tests.browser.test_foundation import sign_in


def test_pages_and_api_docs_run_under_the_strict_csp(laptop):
    sign_in(laptop, "demo-xm")
    for path in ("/", "/projects/", "/projects/battle-map/", "/projects/summary/"):
        response = laptop.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"]
    laptop.goto("/api/v1/docs")
    expect(laptop.locator(".opblock").first).to_be_visible()
    expect(laptop.get_by_text("/api/v1/projects", exact=True).first).to_be_visible()
