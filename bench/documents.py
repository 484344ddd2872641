"""Documents at province scale: the 20,000-row ledger workbook, the 300-project A3 battle map PDF,
and a worker's memory after them (``python -m bench.documents [--iterations 5]``).

Runs on the bench database (SQLite under $ZONEOPS_HOME, or DATABASE_URL naming a "bench" database);
seeds 20,000 projects first when it is empty. Each figure is the median of ``--iterations`` runs
after one warm-up, as CPU seconds of the process and its children (the worker time a document
costs) and wall seconds, with the load average beside them: wall time on a shared machine says as
much about the neighbours as about the code. The alternatives the choice was made against are
measured in the same run: openpyxl's write-only mode for the workbook, WeasyPrint for the PDF.
"""

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time

WARM_UP = 1


def _cpu():
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _rss_mib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(function, iterations):
    """(median CPU s, median wall s) of ``function()`` after a warm-up."""
    for _ in range(WARM_UP):
        function()
    cpu, wall = [], []
    for _ in range(iterations):
        gc.collect()
        started_cpu, started = _cpu(), time.perf_counter()
        function()
        cpu.append(_cpu() - started_cpu)
        wall.append(time.perf_counter() - started)
    return statistics.median(cpu), statistics.median(wall)


def _leader():
    from zoneops.org.models import Person

    try:
        from bench.data import LEADER
    except ImportError:  # before the bench package held the data generator
        from zoneops.projects.benchdata import LEADER
    return Person.objects.filter(username__startswith=LEADER).order_by("pk").first()


def _ensure_data(projects):
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from zoneops.projects.models import Project

    if "bench" not in str(settings.DATABASES["default"]["NAME"]):
        sys.exit("bench.documents: the database name must contain 'bench'")
    call_command("migrate", verbosity=0)
    if Project.objects.exists():
        return
    try:
        from bench.data import build_tree, seed_projects
    except ImportError:
        from zoneops.projects.benchdata import build_tree, seed_projects
    build_tree()
    seed_projects(projects)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- The ledger workbook ----------------------------------------------------------------------------

def _openpyxl_write(target, rows):
    """The ledger as zoneops wrote it before (openpyxl write-only), for comparison."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from zoneops.core.export import safe_cell_value
    from zoneops.projects.exchange import LAYOUT

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    for merge in LAYOUT.group_merges(row=2):
        sheet.merged_cells.add(merge)
    sheet.freeze_panes = "C4"
    for index, column in enumerate(LAYOUT.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    title = WriteOnlyCell(sheet, value="重点项目台账")
    title.font, title.alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    sheet.append([title])
    for header in LAYOUT.header_rows():
        sheet.append([WriteOnlyCell(sheet, value=value) for value in header])
    formats = {index: column.number_format for index, column in enumerate(LAYOUT.columns) if column.number_format}
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            value = safe_cell_value(value)
            if index in formats:
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = formats[index]
            cells.append(value)
        sheet.append(cells)
    workbook.save(target)


def ledger(iterations):
    from zoneops.exchange.xlsx import write_layout
    from zoneops.projects.exchange import LAYOUT, _ledger_sheet, write_ledger
    from zoneops.projects.filtersets import project_filterset

    leader = _leader()

    def queryset():
        return project_filterset({}, user=leader).qs  # what the export view does

    rows = list(_ledger_sheet(queryset())[1])
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ledger.xlsx")
        results["whole"] = measure(lambda: write_ledger(queryset(), path), iterations)
        size = os.path.getsize(path)
        results["rows"] = measure(lambda: list(_ledger_sheet(queryset())[1]), iterations)
        results["models"] = measure(lambda: list(queryset().order_by("responsible_unit__path", "pk")
                                                 .iterator(chunk_size=2000)), iterations)
        results["xlsxwriter"] = measure(lambda: write_layout(path, LAYOUT, title="重点项目台账", rows=rows),
                                        iterations)
        results["openpyxl"] = measure(lambda: _openpyxl_write(path, rows), iterations)
    return len(rows), size, results


# --- The battle map PDF -----------------------------------------------------------------------------

_WEASYPRINT_PAGE = """{% load partials %}<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page { size: A3 landscape; margin: 10mm; }
html { font-family: "Noto Sans CJK SC", sans-serif; font-size: 9pt; }
.zo-bm-svg { display: block; width: 100%; } .zo-bm-sheet + .zo-bm-sheet { break-before: page; }
</style></head><body><h1>{{ sheet_title }}</h1>
{% include "projects/_gantt.svg.html#summary" %}{% include "projects/_gantt.svg.html#sheets" %}</body></html>"""


def battle_map(iterations):
    """The chart's queries and layout, then drawing it: directly (as served), and with WeasyPrint."""
    from django.conf import settings
    from django.template import engines
    from django.test import RequestFactory

    from zoneops.projects.battle_map_pdf import draw_battle_map, render_battle_map
    from zoneops.projects.views import battle_map as views

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    request = RequestFactory().get("/projects/battle-map.pdf")
    request.user = _leader()
    context = views._chart_context(request)
    chart = context["chart"]
    options = {"title": context["sheet_title"], "subtitle": "全部在库项目", "truncated_to": 300, "footer": "bench"}
    results = {
        "context": measure(lambda: views._chart_context(request), iterations),
        "forked": measure(lambda: render_battle_map(chart, **options), iterations),
        "in_process": measure(lambda: draw_battle_map(chart, **options), iterations),
        "view": measure(lambda: views.battle_map_pdf(request), iterations),
    }
    size = len(render_battle_map(chart, **options))
    try:
        import weasyprint
    except ImportError:
        return chart, size, results, None
    html = engines["django"].from_string(_WEASYPRINT_PAGE).render(context)
    results["weasyprint"] = measure(lambda: weasyprint.HTML(string=html).write_pdf(), max(1, iterations // 2))
    return chart, size, results, len(weasyprint.HTML(string=html).write_pdf())


# --- Memory -----------------------------------------------------------------------------------------

def memory(documents):
    """A worker's resident size before and after ``documents`` PDFs and ledger exports."""
    from django.conf import settings
    from django.test import RequestFactory

    from zoneops.projects.battle_map_pdf import draw_battle_map, render_battle_map
    from zoneops.projects.views import battle_map as views
    from zoneops.projects.views.exchange import ledger_export

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    factory = RequestFactory()
    request = factory.get("/projects/battle-map.pdf")
    request.user = _leader()
    context = views._chart_context(request)
    options = {"title": context["sheet_title"], "subtitle": "全部在库项目", "footer": "bench"}
    rows = {}

    def trace(label, function):
        gc.collect()
        before = _rss_mib()
        after = []
        for _ in range(documents):
            function()
            gc.collect()
            after.append(_rss_mib())
        rows[label] = (before, after)

    trace("pdf_forked", lambda: render_battle_map(context["chart"], **options))
    export = factory.get("/projects/export.xlsx")
    export.user = request.user
    trace("xlsx", lambda: b"".join(ledger_export(export).streaming_content))
    trace("pdf_in_process", lambda: draw_battle_map(context["chart"], **options))
    return rows


def report(iterations, documents):
    load = os.getloadavg()
    rss = memory(documents)  # first, while the process has drawn nothing yet
    count, xlsx_size, xlsx = ledger(iterations)
    chart, pdf_size, pdf, weasy_size = battle_map(iterations)
    load_after = os.getloadavg()

    def cell(pair):
        return f"{pair[0]:.2f} | {pair[1]:.2f}"

    lines = [
        f"- 负载（1 分钟平均，开始 → 结束）：{load[0]:.1f} → {load_after[0]:.1f}，CPU {os.cpu_count()} 核",
        f"- 每项预热 {WARM_UP} 次后测 {iterations} 次，取中位数；CPU 含子进程",
        "",
        f"**项目台账 Excel（{count:,} 行，{xlsx_size / 1024:.0f} KiB）**",
        "",
        "| 步骤 | CPU 秒 | 墙钟秒 |",
        "|---|---:|---:|",
        f"| 整个导出（查询 + 行 + XlsxWriter 写入），write_ledger | {cell(xlsx['whole'])} |",
        f"| 查询并组行（values_list，现用） | {cell(xlsx['rows'])} |",
        f"| 查询为模型实例（此前做法，仅查询） | {cell(xlsx['models'])} |",
        f"| 仅写入：XlsxWriter constant_memory（现用） | {cell(xlsx['xlsxwriter'])} |",
        f"| 仅写入：openpyxl write_only（此前） | {cell(xlsx['openpyxl'])} |",
        "",
        f"**挂图作战 A3 PDF（{chart.projects} 个项目，{len(chart.sheets)} 页，{pdf_size / 1024:.0f} KiB）**",
        "",
        "| 步骤 | CPU 秒 | 墙钟秒 |",
        "|---|---:|---:|",
        f"| 视图整体（查询、布局、子进程绘制、审计） | {cell(pdf['view'])} |",
        f"| 查询与布局（_chart_context） | {cell(pdf['context'])} |",
        f"| 直接绘制，子进程（现用） | {cell(pdf['forked'])} |",
        f"| 直接绘制，本进程 | {cell(pdf['in_process'])} |",
    ]
    if "weasyprint" in pdf:
        lines.append(f"| WeasyPrint 绘制同一 SVG（此前，{weasy_size / 1024:.0f} KiB） | {cell(pdf['weasyprint'])} |")
    lines += ["", "**进程常驻内存（RSS，MiB；每次之后）**", "",
              "| 文档 | 之前 | " + " | ".join(f"第{n}次后" for n in range(1, documents + 1)) + " |",
              "|---|---:|" + "---:|" * documents]
    labels = {"pdf_forked": "PDF，子进程绘制（现用）", "xlsx": "台账 Excel 导出",
              "pdf_in_process": "PDF，本进程绘制（对照）"}
    for key, label in labels.items():
        before, after = rss[key]
        lines.append(f"| {label} | {before:.0f} | " + " | ".join(f"{size:.0f}" for size in after) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.documents", description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--documents", type=int, default=5, help="documents per memory trace")
    parser.add_argument("--projects", type=int, default=20_000, help="projects to seed into an empty database")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zoneops.settings")
    import django

    django.setup()
    _ensure_data(options.projects)
    print(report(options.iterations, options.documents))


if __name__ == "__main__":
    main()
