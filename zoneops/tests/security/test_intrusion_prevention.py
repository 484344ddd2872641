"""等保2.0 三级 · 入侵防范 (GB/T 22239-2019 8.1.4.4): the client's address cannot be forged, the pages load
only our own code, and the edges answer abuse in a controlled way.

Each test names the control it proves in its docstring; each fails when that control is removed.
"""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from zoneops.audit.context import Actor
from zoneops.audit.models import AuditEntry
from zoneops.projects import services as project_services
from zoneops.projects.choices import Stage
from zoneops.projects.tests.factories import ProjectFactory
from zoneops.tests.security.conftest import sign_in

pytestmark = pytest.mark.django_db
PROXY = "10.0.0.2"


def test_lockout_behind_one_proxy_uses_the_address_the_proxy_appended(client, people, settings):
    """入侵防范 c)：限制终端接入 / 身份鉴别 b)：登录失败处理 — behind one trusted proxy a client rotating a forged
    leftmost X-Forwarded-For is still one address, locked after 5 failures and audited with its real IP."""
    settings.ZONEOPS_TRUSTED_PROXIES = 1
    for n in range(5):
        sign_in(client, f"nobody{n}", "x", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9")
    response = sign_in(client, "staff", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert "锁定" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.lock", object_id="203.0.113.9").exists()
    assert set(AuditEntry.objects.filter(action="auth.login").values_list("ip", flat=True)) == {"203.0.113.9"}
    # Another client behind the same proxy is not locked out by it.
    assert sign_in(Client(), "staff", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, people, settings):
    """入侵防范：no proxy configured (the default) — a client cannot choose its audited address at all."""
    assert settings.ZONEOPS_TRUSTED_PROXIES == 0
    sign_in(client, "staff", "wrong", REMOTE_ADDR="192.0.2.77", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert AuditEntry.objects.get(action="auth.login").ip == "192.0.2.77"


def _csp(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())


def test_pages_carry_a_strict_content_security_policy_with_nonces(client, people, tree):
    """入侵防范 / 恶意代码防范：严格CSP — scripts only from this origin or with the per-request nonce."""
    client.force_login(people.staff)
    policy = _csp(client.get("/"))
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]
    assert "unsafe-inline" not in policy["style-src"] and "http" not in str(policy)
    page = client.get("/projects/battle-map/")
    nonce = re.search(r"'nonce-([^']+)'", page["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in page.content.decode()


def test_no_template_has_an_inline_handler_or_an_unnonced_inline_block():
    """入侵防范：模板中没有内联事件处理器（onclick=…）或无 nonce 的内联 <script>/<style> (the CSP would block them)."""
    offenders = []
    for path in Path(django_settings.BASE_DIR).rglob("templates/**/*.html"):
        if path.name.endswith("_pdf.html"):  # rendered by WeasyPrint on the server, never by a browser
            continue
        text = re.sub(r"{#.*?#}", "", path.read_text())  # template comments are not sent
        inline = re.search(r"<(script|style)(?![^>]*\b(src|nonce)=|[^>]*application/json)[^>]*>", text)
        if re.search(r"\son[a-z]+\s*=", text) or inline:
            offenders.append(str(path))
    assert offenders == []


def test_api_docs_are_vendored_and_need_sign_in_unless_opened(client, people, settings):
    """入侵防范：接口文档不对匿名开放、不从CDN加载 — docs and schema need sign-in; Swagger UI is vendored."""
    assert client.get("/api/v1/docs").status_code == 302
    assert client.get("/api/v1/openapi.json").status_code == 401
    client.force_login(people.staff)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    vendor = Path(django_settings.BASE_DIR) / "static" / "vendor" / "swagger-ui"
    assert {"swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"} <= {p.name for p in vendor.iterdir()}
    settings.ZONEOPS_API_DOCS_PUBLIC = True
    assert Client().get("/api/v1/openapi.json").status_code == 200


def test_report_review_does_not_redirect_off_site(client, people, tree):
    """入侵防范：开放重定向 — the review form's `next` may only point into this site."""
    project = ProjectFactory(responsible_unit=tree.town_a)
    project_services.project_change_stage(actor=Actor.system(), project=project, to_stage=Stage.STARTED,
                                          reason="补录", effective_on=date(2026, 1, 10))
    project.refresh_from_db()
    report = project_services.progress_report_submit(actor=Actor.system(), project=project, period_key="2026-10",
                                                     invested=1, progress_text="施工", percent=10)
    client.force_login(people.staff)
    for target in ("https://evil.example/phish", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/projects/reports/{report.pk}/review/",
                               {"decision": "return", "comment": "", "next": target})
        assert response.status_code == 302 and "evil.example" not in response["Location"]
    response = client.post(f"/projects/reports/{report.pk}/review/",
                           {"decision": "accept", "comment": "", "next": f"/projects/{project.pk}/"})
    assert response["Location"] == f"/projects/{project.pk}/"


def test_api_csrf_failure_answers_json_in_the_api_error_format(people):
    """入侵防范：CSRF 失败在 /api/ 上返回接口的 JSON 错误格式 (code/detail/errors)."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people.system_admin)
    response = browser.post("/api/v1/units", {"parent_id": 1, "code": "x", "name": "x", "kind": "department"},
                            content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "csrf_failed" and "detail" in response.json()


def test_api_oversized_body_answers_json_413(client, people, settings):
    """入侵防范：超大请求体在 /api/ 上返回 JSON 413，而不是HTML错误页."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(people.system_admin)
    response = client.post("/api/v1/units", "{" + '"name": "' + "x" * 5000 + '"}',
                           content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
