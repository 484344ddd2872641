"""The intake pages: upload, review (adjust a column, answer a name), confirm; template reused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zoneops.exchange.models import IntakeTemplate, UnitAlias
from zoneops.exchange.tests.sheets import ROWS, zone_sheet
from zoneops.org.models import Scope, UnitKind
from zoneops.org.tests.factories import PersonFactory, UnitFactory, grant
from zoneops.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(tree, client):
    UnitFactory(code="gxy", name="高新技术产业园", kind=UnitKind.DEPARTMENT, parent=tree.zone)
    PersonFactory(username="zhangwei", name="张伟", title="副主任", unit=tree.zone)
    PersonFactory(username="lisi", name="李四", unit=tree.zone)
    person = PersonFactory(unit=tree.zone)
    grant(person, "projects", scope=Scope.UNIT_TREE)
    client.force_login(person)
    return person


def _upload(client, data, name="进度表.xlsx"):
    return client.post(reverse("intake:projects"),
                       {"file": SimpleUploadedFile(name, data), "template": ""})


def test_upload_review_adjust_and_confirm(client, office):
    response = _upload(client, zone_sheet())
    assert response.status_code == 302 and response["Location"] == reverse("intake:projects-review")
    page = client.get(response["Location"]).content.decode()
    assert "2026年/计划投资" in page and "高新园" in page and "跳过：合计行" in page and "分组行" in page
    assert "渭南智能装备产业园" in page and "预检通过" not in page
    # Adjust a column (建设内容及规模 not imported) and pick the unit the abbreviation means.
    park = "高新技术产业园"
    from zoneops.org.models import Unit

    park_pk = Unit.objects.get(name=park).pk
    client.post(reverse("intake:projects-review"), {
        "col-1": "name", "col-2": "enterprise", "col-3": "responsible_unit", "col-4": "", "col-5": "total_investment",
        "col-6": "year_plan_investment", "col-9": "planned_start", "col-10": "leader", "money_unit": "万元",
        "resolve-0": str(park_pk), "rows-shown": "1", "template_name": "发改局月报", "refresh": "1"})
    page = client.get(reverse("intake:projects-review")).content.decode()
    assert "预检通过" in page and "将新建 3 个" in page
    response = client.post(reverse("intake:projects-review"), {
        "col-1": "name", "col-2": "enterprise", "col-3": "responsible_unit", "col-4": "", "col-5": "total_investment",
        "col-6": "year_plan_investment", "col-9": "planned_start", "col-10": "leader", "money_unit": "万元",
        "rows-shown": "1", "template_name": "发改局月报", "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("projects:list")
    assert Project.objects.count() == 3 and not Project.objects.exclude(content="").exists()
    assert UnitAlias.objects.get().alias == "高新园"
    assert IntakeTemplate.objects.get().name == "发改局月报"
    # Next month: the template maps it, the alias answers 高新园, nothing is asked.
    rows = list(ROWS)
    rows[1] = rows[1][:5] + (13000,) + rows[1][6:]
    _upload(client, zone_sheet(month=11, rows=rows))
    page = client.get(reverse("intake:projects-review")).content.decode()
    assert "预检通过" in page and "更新 3 个" in page and "需要确认的名称" not in page
    response = client.post(reverse("intake:projects-review"), {"confirm": "1", "rows-shown": "1",
                                                                         "template_name": "发改局月报"})
    assert response.status_code == 302
    assert Project.objects.get(name="渭南智能装备产业园").total_investment == 130_000_000


def test_an_unmappable_or_old_file_is_refused_on_the_form(client, office):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "电话"])
    buffer = BytesIO()
    book.save(buffer)
    page = _upload(client, buffer.getvalue()).content.decode()
    assert "无法识别表头" in page
    page = _upload(client, b"\xd0\xcf\x11\xe0", name="台账.xls").content.decode()
    assert "另存为" in page
    assert not Project.objects.exists()


def test_the_pages_need_the_import_permission(client, tree):
    person = PersonFactory(unit=tree.town_a)
    client.force_login(person)
    assert client.get(reverse("intake:projects")).status_code == 403
    assert client.get("/intake/leads/").status_code == 404
