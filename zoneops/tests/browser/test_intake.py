"""Browser: a zone's own 重点项目建设进度表 is uploaded, one column mapping adjusted, confirmed, and the
projects are in the ledger; next month's sheet imports through the saved template without questions."""

import re

from playwright.sync_api import expect

from zoneops.exchange.tests.sheets import zone_sheet
from zoneops.projects.models import Project
from zoneops.tests.browser.test_foundation import sign_in

ROWS = (
    ("section", "一、续建项目（2个）"),
    ("project", "辛市镇精密铸造项目", "渭南精铸有限公司", "辛市镇", "铸造线2条", 12000, 3000, 2500, "主体施工",
     "2025.3", "陈主任"),
    ("project", "高新园氢能装备项目", "秦东氢能有限公司", "高新园", "装备产线4条", "1,500", "800", 600, "设备安装",
     "2025年6月", ""),
    ("section", "二、新开工项目（1个）"),
    ("project", "辛市镇冷链物流中心", "渭南冷链有限公司", "辛市镇", "冷库3万吨", 5000.5, 2000, 100, "场平",
     "3月中旬", ""),
)


def test_a_zone_sheet_is_mapped_adjusted_and_imported(laptop, tmp_path):
    page = laptop
    sheet = tmp_path / "辛市镇10月进度表.xlsx"
    sheet.write_bytes(zone_sheet(rows=ROWS))
    sign_in(page, "demo-xm")
    page.goto("/projects/import/")
    page.get_by_role("link", name="导入本单位自有格式台账").click()
    page.get_by_label("台账文件").set_input_files(str(sheet))
    page.get_by_role("button", name="识别表格").click()
    expect(page).to_have_url(re.compile(r"/intake/projects/review/$"))
    mapping = page.get_by_role("table", name="列对应")
    expect(mapping.locator("tr", has_text="2026年/计划投资")).to_contain_text("3000")
    expect(page.get_by_label("“2026年/计划投资”导入为")).to_have_value("year_plan_investment")
    expect(page.get_by_role("table", name="逐行预检")).to_contain_text("跳过：合计行")
    expect(page.get_by_label("“高新园”对应为")).to_have_value(re.compile(r"\d+"))  # the one unit it may mean
    page.get_by_label("“建设内容及规模”导入为").select_option(label="不导入")
    page.get_by_role("button", name="按以上设置重新预检").click()
    expect(page.get_by_role("status")).to_contain_text("预检通过")
    expect(page.get_by_role("status")).to_contain_text("将新建 3 个")
    page.get_by_label("保存为导入模板").fill("辛市镇月报")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入：新建3个项目")).to_be_visible()
    for name in ("辛市镇精密铸造项目", "高新园氢能装备项目", "辛市镇冷链物流中心"):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    assert Project.objects.get(name="高新园氢能装备项目").responsible_unit.name == "高新技术产业园"
    assert Project.objects.get(name="辛市镇精密铸造项目").leader.name == "陈志远"
    assert not Project.objects.filter(name__startswith="辛市镇", content__gt="").exists()

    # November: same headers, the template and the remembered 高新园 answer everything.
    sheet = tmp_path / "辛市镇11月进度表.xlsx"
    sheet.write_bytes(zone_sheet(rows=ROWS, month=11))
    page.goto("/intake/projects/")
    page.get_by_label("台账文件").set_input_files(str(sheet))
    page.get_by_role("button", name="识别表格").click()
    expect(page.get_by_role("status")).to_contain_text("预检通过")
    expect(page.get_by_role("status")).to_contain_text("更新 3 个")
    expect(page.get_by_text("需要确认的名称")).to_have_count(0)
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入：新建0个项目，更新3个项目")).to_be_visible()
