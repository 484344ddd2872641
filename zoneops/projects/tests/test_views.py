"""Project pages: scope on list / detail / edit, forms that validate in Chinese, bounded queries."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from zoneops.audit.context import Actor
from zoneops.core.money import YUAN_PER_WAN
from zoneops.projects import services
from zoneops.projects.models import Project
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]



def test_ledger_list_is_scoped(client, world):
    client.force_login(world.township)
    page = client.get("/projects/").content.decode()
    assert "甲镇食品项目" in page and "乙镇物流项目" not in page
    client.force_login(world.leader)
    page = client.get("/projects/").content.decode()
    assert "甲镇食品项目" in page and "乙镇物流项目" in page


def test_ledger_filters_by_stage_through_htmx(client, world):
    client.force_login(world.leader)
    response = client.get("/projects/?stage=started", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results")
    html = response.content.decode()
    assert "<html" not in html and "甲镇食品项目" in html and "乙镇物流项目" not in html


def test_detail_and_edit_are_404_out_of_scope(client, world):
    client.force_login(world.township)
    assert client.get(f"/projects/{world.ours.pk}/").status_code == 200
    assert client.get(f"/projects/{world.theirs.pk}/").status_code == 404
    assert client.get(f"/projects/{world.theirs.pk}/edit/").status_code == 404
    client.force_login(world.leader)  # leaders read but do not edit
    assert client.get(f"/projects/{world.ours.pk}/edit/").status_code == 404


def test_detail_shows_five_elements_and_light(client, world):
    client.force_login(world.leader)
    html = client.get(f"/projects/{world.ours.pk}/").content.decode()
    for text in ["定领导", "定举措", "定工期", "定标准", "定奖惩", "节点计划", "审批事项", "状态"]:
        assert text in html


def test_create_form_converts_wan_and_reports_errors_in_chinese(client, world, tree):
    client.force_login(world.office)
    bad = client.post("/projects/new/", {"name": "新项目", "enterprise": "某公司", "responsible_unit": tree.town_b.pk,
                                         "build_nature": "new", "total_investment": "abc"})
    assert "请输入数字。" in bad.content.decode()
    ok = client.post("/projects/new/", {"name": "新项目", "enterprise": "某公司", "responsible_unit": tree.town_b.pk,
                                        "build_nature": "new", "total_investment": "12345.5",
                                        "planned_start": "2026-12-01", "planned_completion": "2026-11-01"})
    assert "计划竣工日期不能早于计划开工日期" in ok.content.decode()
    ok = client.post("/projects/new/", {"name": "新项目", "enterprise": "某公司", "responsible_unit": tree.town_b.pk,
                                        "build_nature": "new", "total_investment": "12345.5"})
    assert ok.status_code == 302
    assert Project.objects.get(name="新项目").total_investment == 123_455_000


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile("工地.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_township_files_a_report_with_a_photo(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.township)
    form = client.get(f"/projects/{world.ours.pk}/report/")
    assert "2026年11月" in form.content.decode()
    response = client.post(f"/projects/{world.ours.pk}/report/", {
        "period_key": "2026-11", "invested": "150", "percent": "35", "workers": "80",
        "progress_text": "主体结构施工至三层", "photos": [_jpeg()]})
    assert response.status_code == 302
    report = world.ours.reports.get()
    assert report.invested == 150 * YUAN_PER_WAN and report.photos.count() == 1
    detail = client.get(f"/projects/{world.ours.pk}/").content.decode()
    assert "主体结构施工至三层" in detail and "150.00" in detail


def test_stage_change_page_flow(client, world):
    client.force_login(world.office)
    response = client.post(f"/projects/{world.ours.pk}/stage/", {"to_stage": "reserve", "reason": ""}, follow=True)
    assert "阶段回退须说明原因" in response.content.decode()
    client.post(f"/projects/{world.ours.pk}/stage/", {"to_stage": "in_stats"})
    world.ours.refresh_from_db()
    assert world.ours.stage == "in_stats" and world.ours.in_stats_on == date(2026, 11, 23)


def test_pages_render_for_the_project_office(client, world):
    client.force_login(world.office)
    for url in ["/projects/", "/projects/mine/", "/projects/reports/", "/projects/stats/", "/projects/rules/",
                "/projects/summary/", f"/projects/{world.ours.pk}/milestones/", f"/projects/{world.ours.pk}/stats/",
                f"/projects/{world.ours.pk}/approvals/"]:
        assert client.get(url).status_code == 200, url


def test_rules_need_their_permission(client, world):
    client.force_login(world.township)
    assert client.get("/projects/rules/").status_code == 403


@pytest.mark.parametrize("url", ["/projects/", "/projects/{id}/"])
def test_query_count_does_not_grow_with_rows(client, world, tree, url, django_assert_max_num_queries):
    client.force_login(world.leader)
    target = url.format(id=world.ours.pk)
    client.get(target)
    with django_assert_max_num_queries(25) as before:
        client.get(target)
    for n in range(15):
        project = ProjectFactory(responsible_unit=tree.town_b, name=f"批量{n}")
        services.milestone_add(actor=Actor.system(), project=project, name="开工", planned_date=date(2026, 5, 1))
    services.milestone_add(actor=Actor.system(), project=world.ours, name="封顶", planned_date=date(2026, 9, 1))
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(target)


def test_summary_counts_each_project_once(client, world, tree):
    for day in (1, 2, 3):
        services.milestone_add(actor=Actor.system(), project=world.ours, name=f"节点{day}",
                               planned_date=date(2026, 5, day))
    from zoneops.projects.selectors import ledger_summary

    rows = ledger_summary(user=world.leader)
    assert sum(row["count"] for row in rows) == 2
    assert sum(row["total_investment"] for row in rows) == 2 * world.ours.total_investment
    client.force_login(world.leader)
    page = client.get("/projects/summary/").content.decode()
    assert '<td id="stock-count">2</td><td class="text-end">2.00</td>' in page  # 2 projects, 2亿元


def test_milestone_templates_are_editable_and_used_by_new_projects(client, world, tree):
    client.force_login(world.office)
    bad = client.post("/projects/templates/", {"name": "厂房项目", "items": "拿地,-30\n开工,零"})
    assert "第2行" in bad.content.decode()
    ok = client.post("/projects/templates/", {"name": "厂房项目", "items": "拿地,-30\n开工,0\n封顶，120"})
    assert ok.status_code == 302
    from zoneops.projects.models import MilestoneTemplate

    template = MilestoneTemplate.objects.get(name="厂房项目")
    assert list(template.items.values_list("name", "offset_days")) == [("拿地", -30), ("开工", 0), ("封顶", 120)]
    response = client.post(f"/projects/{world.theirs.pk}/milestones/",
                           {"apply_template": "1", "template": template.pk})
    assert response.status_code == 302
    assert [m.planned_date for m in world.theirs.milestones.order_by("seq")] == [
        date(2026, 1, 30), date(2026, 3, 1), date(2026, 6, 29)]
    client.force_login(world.township)
    assert client.get("/projects/templates/").status_code == 403


def test_stats_page_lists_projects_above_the_threshold_without_a_plan(client, world):
    client.force_login(world.leader)
    html = client.get("/projects/stats/").content.decode()
    assert "未列入纳统计划" in html and "甲镇食品项目" in html  # started, 1亿 ≥ 500万, no plan
    services.stats_inclusion_save(actor=Actor.system(), project=world.ours, planned_year=2026, planned_quarter=4,
                                  status="preparing", documents={"立项/备案": True})
    html = client.get("/projects/stats/").content.decode()
    assert "未列入纳统计划" not in html


def test_reviewer_returns_a_report_from_the_project_page(client, world):
    report = services.progress_report_submit(actor=Actor.system(), project=world.ours, period_key="2026-10",
                                             invested=10 * YUAN_PER_WAN, progress_text="基础施工", percent=10)
    client.force_login(world.office)
    page = f"/projects/{world.ours.pk}/"
    refused = client.post(f"/projects/reports/{report.pk}/review/", {"decision": "return", "next": page},
                          follow=True)
    assert "退回须填写意见" in refused.content.decode()
    client.post(f"/projects/reports/{report.pk}/review/", {"decision": "return", "comment": "请补充照片",
                                                           "next": page})
    report.refresh_from_db()
    assert report.status == "returned" and report.review_comment == "请补充照片"
    client.force_login(world.township)  # the filer may not review
    assert client.post(f"/projects/reports/{report.pk}/review/", {"decision": "accept"}).status_code == 302
    report.refresh_from_db()
    assert report.status == "returned"


def test_home_page_headline_figures_are_scoped(client, world):
    client.force_login(world.township)
    html = client.get("/").content.decode()
    assert "重点项目" in html and "1.00亿元" in html  # one project of 1亿 in 甲镇
    client.force_login(world.leader)
    assert "2.00亿元" in client.get("/").content.decode()
