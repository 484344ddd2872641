"""Sheets laid out the way zones keep them in WPS and Excel, built in code for the intake tests.

``zone_sheet`` writes a 重点项目建设进度表: a merged title, “单位：万元”, a two-level merged header (2026年 →
计划投资 / 1-10月完成投资 / 形象进度), section rows, data rows with dates as zones write them, a 合计 row
of SUM formulas and a footnote. openpyxl writes formulas without cached values (as a sheet never
opened in Excel); ``cached`` adds the values Excel and WPS store next to each formula, written into
the sheet's XML.
"""

import io
import re
import zipfile
from datetime import datetime

from openpyxl import Workbook

HEADERS = ("序号", "项目名称", "建设单位", "属地单位", "建设内容及规模", "总投资", "2026年", None, None, "开工时间",
           "包抓领导")
SUBHEADERS = ("计划投资", "1-{month}月完成投资", "形象进度")

ROWS = (
    ("section", "一、续建项目（2个）"),
    ("project", "渭南智能装备产业园", "陕西某装备有限公司", "甲镇", "厂房12万平方米", 12000, 3000, 2500, "主体施工",
     "2025.3", "张副主任"),
    ("project", "高新园新材料项目", "某新材料公司", "高新园", "生产线4条", "1,500", "800", 600, "设备安装",
     "2025年6月", "李四"),
    ("section", "二、新开工项目（1个）"),
    ("project", "冷链物流中心", "某物流公司", "甲镇", "冷库3万吨", 5000.5, 2000, 100, "场平",
     datetime(2026, 3, 15), ""),
)


def zone_sheet(*, unit="万元", month=10, rows=ROWS, scale=1, cached=True, title=None, extra_column=False):
    """The workbook's bytes. ``scale`` divides the money figures (10000 for a sheet in 亿元)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "重点项目"
    width = len(HEADERS) + (1 if extra_column else 0)
    sheet.append([title or f"渭南经开区2026年重点项目建设进度表（截至{month}月底）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append([None] * (width - 2) + [f"单位：{unit}"])
    headers = list(HEADERS) + (["备注"] if extra_column else [])
    sheet.append(headers)
    sub = [None] * width
    sub[6:9] = [text.format(month=month) for text in SUBHEADERS]
    sheet.append(sub)
    for column, header in enumerate(headers, start=1):
        if header and header != "2026年":
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    sheet.merge_cells("G3:I3")
    first = 5
    number = 0
    for row in rows:
        if row[0] == "section":
            sheet.append([row[1]])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=width)
            number = 0
            continue
        number += 1
        values = list(row[1:])
        for index in (4, 5, 6):  # 总投资, 计划投资, 完成投资
            if isinstance(values[index], int | float) and scale != 1:
                values[index] = values[index] / scale
            elif isinstance(values[index], str) and scale != 1 and not values[index].startswith("="):  # “1,500”
                values[index] = f"{float(values[index].replace(',', '')) / scale:,}"
        sheet.append([number, *values] + ([None] if extra_column else []))
    last = sheet.max_row
    total_row = last + 1
    sheet.append(["合计", None, None, None, None, f"=SUM(F{first}:F{last})", f"=SUM(G{first}:G{last})",
                  f"=SUM(H{first}:H{last})"])
    sheet.merge_cells(start_row=total_row, start_column=1, end_row=total_row, end_column=2)
    sheet.append(["注：1.本表由经开区发改局汇总；2.形象进度截至当月25日。"])
    sheet.merge_cells(start_row=total_row + 1, start_column=1, end_row=total_row + 1, end_column=width)
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    if cached:
        totals = {}
        for letter, index in (("F", 4), ("G", 5), ("H", 6)):
            total = 0
            for row in rows:
                if row[0] == "project":
                    value = str(row[1:][index])
                    total += 0 if value.startswith("=") else float(value.replace(",", "")) / scale
            totals[f"{letter}{total_row}"] = total
        data = with_cached_values(data, totals)
    return data


def with_cached_values(data, values):
    """The workbook ``data`` with a cached value stored for each formula cell named in ``values`` (as
    Excel and WPS save it: <c r="F9"><f>SUM(F5:F8)</f><v>18500.5</v></c>)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                xml = content.decode()
                for ref, value in values.items():
                    xml = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                                 lambda m, v=value: f"{m.group(1)}{m.group(2)}<v>{v!r}</v>", xml)
                content = xml.encode()
            target.writestr(item, content)
    return out.getvalue()
