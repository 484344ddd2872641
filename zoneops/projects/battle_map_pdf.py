"""The battle map (挂图作战图) on A3 landscape sheets, drawn straight into a PDF.

The chart's geometry is :mod:`zoneops.projects.gantt`'s, the same the page's SVG draws
(templates/projects/_gantt.svg.html): this module repeats that drawing with PDF operators instead
of handing 700 KB of SVG to WeasyPrint, which took ~4 s of CPU for 300 rows against ~0.5 s here
(docs/benchmarks.md, 文档). When the SVG changes, change this module with it.
"""

from zoneops.core.forked import run_forked
from zoneops.core.pdf import A3_LANDSCAPE, Canvas, font_location, mm
from zoneops.projects.choices import Flag
from zoneops.projects.gantt import FLAG_COLOURS

MARGIN = mm(10)
INK, MUTED, SOFT = "#101828", "#475467", "#667085"
GRID, RULE, STRONG = "#d6dce5", "#e4e8ee", "#7c8798"
RED = "#d92d20"
FLAG_POLE, PENDING_POLE = "#344054", "#98a2b3"


def render_battle_map(chart, **options):
    """:func:`draw_battle_map` in a child process, so that the font's memory leaves with it and the
    worker (web or task) stays at its baseline; the chart is computed (queried) before, here."""
    font_location()  # found once per worker, not once per child
    return run_forked(draw_battle_map, chart, **options)


def draw_battle_map(chart, *, title, subtitle, truncated_to=None, footer=""):
    """The PDF (bytes) of ``chart`` (from ``gantt.build_chart``): the first sheet carries the title,
    the totals and the legend, each sheet repeats the axis, every page has the footer and its number.
    ``truncated_to`` is the row limit when the list was cut."""
    canvas = Canvas(A3_LANDSCAPE, title=title)
    page_width, page_height = A3_LANDSCAPE
    scale = (page_width - 2 * MARGIN) / chart.width
    pages = len(chart.sheets)
    for number, sheet in enumerate(chart.sheets, start=1):
        canvas.new_page()
        y = MARGIN
        if sheet.first:
            y = _heading(canvas, chart, title, subtitle, truncated_to, y)
        else:
            canvas.text(MARGIN, y + 9, f"{title}（续）· 第{number}页，共{pages}页", size=9, colour=MUTED)
            y += 14
        with canvas.transformed(MARGIN, y, scale):
            _sheet(canvas, chart, sheet)
        if not sheet.rows:
            canvas.text(page_width / 2, y + sheet.height * scale + 20, "没有符合条件的项目。", size=9, colour=SOFT,
                        anchor="middle")
        baseline = page_height - MARGIN / 2
        canvas.text(MARGIN, baseline, footer, size=7.5, colour=SOFT)
        canvas.text(page_width - MARGIN, baseline, f"第 {number} 页，共 {pages} 页", size=7.5, colour=SOFT,
                    anchor="end")
    return canvas.save()


def _heading(canvas, chart, title, subtitle, truncated_to, y):
    """Title, subtitle, the totals on the left and the legend on the right; returns the y below."""
    centre = canvas.width / 2
    canvas.text(centre, y + 17, title, size=17, colour=INK, anchor="middle", bold=True)
    y += 24
    canvas.text(centre, y + 10, subtitle, size=9, colour=MUTED, anchor="middle")
    y += 18
    x, baseline = MARGIN, y + 10
    runs = [("共 ", None), (chart.projects, INK), (" 个项目，红旗 ", None), (chart.red, RED), (" 个，黑旗 ", None),
            (chart.black, INK), (f" 个，未到期 {chart.pending} 个", None)]
    runs += [(f"{'；' if index == 0 else '、'}{label} {count} 个", None)
             for index, (label, count, _colour) in enumerate(chart.lights)]
    for text, emphasis in runs:
        x = canvas.text(x, baseline, text, size=10.5 if emphasis else 9, colour=emphasis or INK,
                        bold=emphasis is not None)
    _legend(canvas, chart, baseline)
    y += 16
    if truncated_to:
        note = f"项目较多，只列出前{truncated_to}个（按责任单位、计划开工排序），请筛选后分别导出。"
        canvas.text(MARGIN, y + 10, note, size=9, colour="#b54708")
        y += 16
    return y


def _legend(canvas, chart, baseline):
    """The legend, right-aligned on the totals' line: the three flags, the bar, today, the lights."""
    items = [("flag", Flag.RED, "红旗（按期完成）"), ("flag", Flag.BLACK, "黑旗（逾期或逾期完成）"),
             ("flag", Flag.PENDING, "未到期"), ("bar", None, "计划工期"), ("today", None, "今天")]
    items += [("light", colour, label) for label, _count, colour in chart.lights]
    icon = {"flag": 11, "bar": 20, "today": 8, "light": 9}
    gap, size = mm(4), 9
    width = sum(icon[kind] + 3 + canvas.text_width(label, size) + gap for kind, _value, label in items) - gap
    x = canvas.width - MARGIN - width
    middle = baseline - 3.2
    for kind, value, label in items:
        if kind == "flag":
            pole = PENDING_POLE if value == Flag.PENDING else FLAG_POLE
            fill, stroke = FLAG_COLOURS[value]
            canvas.line(x + 1.5, middle - 6, x + 1.5, middle + 6, stroke=pole, width=1.1)
            canvas.polygon([(x + 2, middle - 5.6), (x + 9.5, middle - 2.8), (x + 2, middle)], fill=fill,
                           stroke=stroke, width=0.6)
        elif kind == "bar":
            canvas.rect(x + 1, middle - 2.8, 18, 5.6, fill="#cfeedd", stroke="#2e9e4f", width=0.6, radius=1.5)
        elif kind == "today":
            canvas.line(x + 4, middle - 6, x + 4, middle + 6, stroke=RED, width=1.2, dash=(2.3, 1.5))
        else:
            canvas.circle(x + 4.5, middle, 4, fill=value)
        x = canvas.text(x + icon[kind] + 3, baseline, label, size=size, colour=INK) + gap


def _sheet(canvas, chart, sheet):
    """One sheet in the chart's own units (the SVG's viewBox): axis, grid, rows, today, frame."""
    width, header, bottom = chart.width, chart.header, sheet.body_bottom
    columns = chart.columns
    canvas.rect(0, 0, width, header, fill="#e9eef5")
    for column in columns:
        canvas.text(column["center"], 27, column["label"], size=chart.font, colour="#1d2939", anchor="middle",
                    bold=True)
    for year in chart.years:
        canvas.text(year.x + 6, 14.5, year.label, size=chart.font, colour="#1d2939", bold=True)
    canvas.line(chart.timeline_x, 19.5, chart.timeline_end, 19.5, stroke="#c5cdd8")
    for month in chart.months:
        canvas.text(month.center, 36, month.label, size=11, colour=FLAG_POLE, anchor="middle")
    for month in chart.months:
        if month.shaded:
            canvas.rect(month.x, header, month.width, sheet.body_height, fill="#f4f6fa")
    for month in chart.months:
        canvas.line(month.x, 0 if month.year_start else 20, month.x, bottom,
                    stroke=STRONG if month.year_start else GRID, width=1.2 if month.year_start else 0.8)
    for column in columns[1:]:
        canvas.line(column["x"], 0, column["x"], bottom, stroke=GRID, width=0.8)
    canvas.line(chart.timeline_x, 0, chart.timeline_x, bottom, stroke=STRONG, width=1.2)
    canvas.line(0, header, width, header, stroke=STRONG, width=1.2)
    for position, row in enumerate(sheet.rows):
        with canvas.transformed(0, row.y):
            _row(canvas, chart, row, last=position == len(sheet.rows) - 1)
    if chart.today_x is not None:
        canvas.line(chart.today_x, 20, chart.today_x, bottom, stroke=RED, width=1.6, dash=(5, 3))
        canvas.rect(chart.today_x - 17, 2, 34, 15, fill=RED, radius=3)
        canvas.text(chart.today_x, 13.5, "今天", size=10.5, colour="#ffffff", anchor="middle", bold=True)
    canvas.rect(0.5, 0.5, width - 1, bottom, stroke=STRONG)


def _row(canvas, chart, row, *, last):
    columns, width = chart.columns, chart.width
    if row.group_start:
        canvas.line(0, 0, width, 0, stroke=STRONG, width=1.2)
    canvas.line(0 if row.unit or last else columns[2]["x"], chart.row, width, chart.row, stroke=RULE, width=0.8)
    canvas.text(columns[0]["center"], 18, row.index, size=11, colour=SOFT, anchor="middle")
    canvas.text(columns[1]["x"] + 5, 18, row.name, size=chart.font, colour=INK)
    if row.unit:
        canvas.text(columns[2]["x"] + 5, 18, row.unit, size=chart.font, colour="#1d2939")
    canvas.text(columns[3]["center"], 18, row.stage, size=chart.font, colour=FLAG_POLE, anchor="middle")
    canvas.text(columns[4]["center"], 18, row.progress, size=chart.font, colour=FLAG_POLE, anchor="middle")
    canvas.circle(columns[5]["center"], 14, 6, fill=row.light_colour)
    if row.bar:
        square = row.bar.open_left or row.bar.open_right
        canvas.rect(row.bar.x, 11, row.bar.width, 8, fill=row.bar_fill, stroke=row.light_colour, width=0.9,
                    radius=0 if square else 2)
    for marker in row.markers:
        canvas.line(marker.x, 2.5, marker.x, 20, stroke=PENDING_POLE if marker.flag == Flag.PENDING else FLAG_POLE,
                    width=1.3)
        canvas.polygon([(marker.x, 2.5), (marker.x + 9, 6.1), (marker.x, 9.7)], fill=marker.fill,
                       stroke=marker.stroke, width=0.8)
        if marker.label:
            canvas.text(marker.label_x, 26.5, marker.label, size=chart.label_font, colour=MUTED, anchor="middle")
