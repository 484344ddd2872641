"""The foundation seen through a browser: sign-in, navigation by permission, lists, lockout.

Each test walks what a person does and asserts on what they can see, so a broken template, a
missing static file or a permission leak in the menu fails here even when the views' tests pass.
Screenshots land in test-artifacts/ for a human to look at.
"""

import re

from django.contrib.staticfiles import finders
from playwright.sync_api import expect

from zoneops.tests.browser.conftest import DEMO_PASSWORD, STYLESHEET

ZONE = "渭南经济技术开发区"


def test_the_static_files_are_found():
    """collectstatic and the development server find the vendored CSS/JS under zoneops/static."""
    assert finders.find(STYLESHEET) is not None, (
        f"staticfiles cannot find {STYLESHEET}: add STATICFILES_DIRS = [BASE_DIR / 'static'] to settings.py"
    )


def sign_in(page, username, password=DEMO_PASSWORD):
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def sign_out(page, name):
    page.locator(".zo-topbar").get_by_role("button", name=name).click()
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_text("您已安全退出")).to_be_visible()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()


def sidebar_link(page, label):
    return page.locator("#zo-sidebar").get_by_role("link", name=label, exact=True)


def leader_walkthrough(page, artifacts, device):
    """demo-leader: home, menu by permission, unit list filtered by htmx, unit tree, sign-out."""
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.screenshot(path=artifacts / f"{device}-1-login.png")
    sign_in(page, "demo-leader")
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))

    topbar = page.locator(".zo-topbar")
    expect(topbar.locator(".zo-topbar-title")).to_have_text("首页")
    expect(topbar.get_by_text(ZONE).filter(visible=True)).to_have_count(1)
    expect(page.get_by_role("heading", name="您好，陈志远")).to_be_visible()

    sidebar = page.locator("#zo-sidebar")
    if device == "phone":
        # Below the lg breakpoint the navigation waits behind the menu button.
        expect(sidebar).to_be_hidden()
        expect(sidebar_link(page, "单位管理")).to_be_hidden()
        page.screenshot(path=artifacts / f"{device}-2-home.png", full_page=True)
        page.get_by_role("button", name="打开导航").click()
        expect(sidebar).to_be_visible()
        expect(sidebar).to_be_in_viewport()
        page.wait_for_timeout(400)  # let the slide-in finish before the screenshot
        page.screenshot(path=artifacts / f"{device}-3-menu.png")
    else:
        expect(sidebar).to_be_visible()
        page.screenshot(path=artifacts / f"{device}-2-home.png", full_page=True)
    expect(sidebar).to_contain_text("系统管理")
    expect(sidebar_link(page, "单位管理")).to_be_visible()
    expect(sidebar_link(page, "人员管理")).to_be_visible()
    expect(sidebar).not_to_contain_text("审计日志")
    expect(sidebar).not_to_contain_text("授权管理")

    sidebar_link(page, "单位管理").click()
    expect(page).to_have_url(re.compile(r"/org/units/$"))
    results = page.locator("#list-results")
    expect(results).to_contain_text("招商局")
    expect(results).to_contain_text("辛市镇")
    if device == "phone":
        expect(sidebar).to_be_hidden()

    # The keyword box updates only the results through htmx: no page load happens.
    page.evaluate("window.zoSamePage = true")
    if device == "phone":  # on a phone the filters fold behind 筛选
        page.get_by_role("button", name="筛选").click()
    page.get_by_label("关键字").fill("镇")
    expect(results).not_to_contain_text("招商局")
    expect(results).to_contain_text("辛市镇")
    expect(results).to_contain_text("龙背镇")
    expect(results).to_contain_text("共 7 条")
    expect(page).to_have_url(re.compile(r"q=%E9%95%87"))
    assert page.evaluate("window.zoSamePage") is True, "the filter reloaded the page instead of swapping #list-results"
    page.screenshot(path=artifacts / f"{device}-4-units-filtered.png", full_page=True)

    page.get_by_role("link", name="树形视图").click()
    expect(page).to_have_url(re.compile(r"/org/units/tree/$"))
    expect(page.get_by_role("heading", name="单位树")).to_be_visible()
    tree = page.locator(".zo-tree")
    expect(tree.get_by_role("link", name=ZONE)).to_be_visible()
    expect(tree.get_by_role("link", name="驻北京招商组")).to_be_visible()
    expect(tree).not_to_contain_text("渭南市")  # above the leader's unit: out of scope
    page.screenshot(path=artifacts / f"{device}-5-unit-tree.png", full_page=True)

    sign_out(page, "陈志远")
    page.goto("/org/units/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/org/units/$"))


def test_leader_on_a_laptop(laptop, artifacts):
    leader_walkthrough(laptop, artifacts, "laptop")


def test_leader_on_a_phone(phone, artifacts):
    leader_walkthrough(phone, artifacts, "phone")


def test_unit_list_prints_without_the_chrome(laptop, artifacts):
    page = laptop
    sign_in(page, "demo-leader")
    page.goto("/org/units/?q=镇")
    page.emulate_media(media="print")
    expect(page.locator("#zo-sidebar")).to_be_hidden()
    expect(page.locator(".zo-topbar")).to_be_hidden()
    expect(page.locator(".zo-filters")).to_be_hidden()
    expect(page.locator("#list-results")).to_contain_text("辛市镇")
    expect(page.get_by_role("heading", name="单位管理")).to_be_visible()
    page.screenshot(path=artifacts / "laptop-print-units.png", full_page=True)


def test_only_the_auditor_sees_the_audit_log(laptop, artifacts):
    page = laptop
    sign_in(page, "demo-admin")
    expect(page.locator(".zo-topbar")).to_contain_text("系统管理员")
    expect(sidebar_link(page, "人员管理")).to_be_visible()
    expect(page.locator("#zo-sidebar")).not_to_contain_text("审计日志")
    expect(page.locator("#zo-sidebar")).not_to_contain_text("安全审计")
    response = page.goto("/audit/")
    assert response.status == 403
    page.goto("/")
    sign_out(page, "王建国")

    sign_in(page, "demo-auditor")
    expect(page.locator(".zo-topbar")).to_contain_text("审计管理员")
    expect(page.locator("#zo-sidebar")).to_contain_text("安全审计")
    expect(page.locator("#zo-sidebar")).not_to_contain_text("人员管理")
    sidebar_link(page, "审计日志").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    page.get_by_label("操作", exact=True).fill("auth.login")
    results = page.locator("#list-results")
    expect(results).not_to_contain_text("person.create")
    logins = results.locator("tbody tr", has_text="auth.login")
    expect(logins).to_have_count(2)  # demo-admin's and demo-auditor's sign-ins
    expect(logins.filter(has_text="赵审言")).to_have_count(1)
    expect(logins.filter(has_text="王建国")).to_have_count(1)
    page.screenshot(path=artifacts / "laptop-audit-log.png", full_page=True)


def test_admin_lists_every_unit_up_to_the_province(laptop):
    """demo-admin's grant covers everything: the list includes 陕西省, a unit without a parent."""
    page = laptop
    sign_in(page, "demo-admin")
    sidebar_link(page, "单位管理").click()
    results = page.locator("#list-results")
    expect(results.get_by_role("link", name="陕西省")).to_be_visible()
    expect(results.get_by_role("link", name="渭南市")).to_be_visible()


def test_five_wrong_passwords_lock_the_account(laptop, artifacts):
    page = laptop
    error = page.locator(".alert-danger")
    for attempt in range(1, 6):
        sign_in(page, "demo-town-a", "wrong-Password-1")
        expect(page).to_have_url(re.compile(r"/login/$"))
        if attempt < 5:
            expect(error).to_contain_text("用户名或密码错误")
    expect(error).to_contain_text("锁定")
    page.screenshot(path=artifacts / "laptop-login-locked.png")

    sign_in(page, "demo-town-a")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(error).to_contain_text("锁定")
    expect(page.locator(".zo-sidebar")).to_have_count(0)


def test_first_sign_in_forces_a_password_change(laptop, artifacts):
    from zoneops.audit.context import Actor
    from zoneops.org.models import Unit
    from zoneops.org.services import person_create

    person_create(actor=Actor.system(), username="new-clerk", name="吴新人", title="科员",
                  unit=Unit.objects.get(name="辛市镇"), password="Init#Pass2026")
    page = laptop
    sign_in(page, "new-clerk", "Init#Pass2026")
    expect(page).to_have_url(re.compile(r"/password/$"))
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_text("请先修改密码")).to_be_visible()
    page.goto("/org/units/")  # nothing else is reachable yet
    expect(page).to_have_url(re.compile(r"/password/$"))
    page.screenshot(path=artifacts / "laptop-password-change.png", full_page=True)

    page.locator("#id_old_password").fill("Init#Pass2026")
    page.locator("#id_new_password").fill("Wn#Kaifaqu2027")
    page.locator("#id_new_password_again").fill("Wn#Kaifaqu2027")
    page.get_by_role("button", name="保存").click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.locator(".zo-topbar-title")).to_have_text("首页")
    expect(page.get_by_text("密码已修改")).to_be_visible()
    expect(page.get_by_text("尚未被授予任何角色")).to_be_visible()
    sign_out(page, "吴新人")
    sign_in(page, "new-clerk", "Wn#Kaifaqu2027")
    expect(page.get_by_role("heading", name="您好，吴新人")).to_be_visible()
