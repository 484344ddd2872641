"""The project ledger's reads at province scale, through the selectors and beside hand-written SQL for
the same data, on a scratch database (``python -m bench``, run by ``make bench``).

SQLite under $ZONEOPS_HOME by default (``make bench`` uses a fresh ./bench-var); PostgreSQL when
DATABASE_URL is set. Either way the database name must contain "bench" and hold no projects yet.
"""

import os
import platform
import sqlite3
import statistics
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from time import perf_counter

import django
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.data import build_tree, seed_projects
from bench.load import load_markdown, measure_load
from zoneops.org.scope import forget_grants
from zoneops.projects import selectors
from zoneops.projects.choices import Stage
from zoneops.projects.models import Project, ProjectRules

WARM_UP = 3
PAGE = 20

# --- Hand-written SQL for the same data -----------------------------------------------------------
# The figures every ledger row carries, as correlated subqueries on one project row ``p``. The
# statements are put together from these constants only (hence the noqa: S608); values are parameters.
FIGURES = """
    COALESCE((SELECT SUM(r.invested) FROM projects_progressreport r WHERE r.project_id = p.id), 0),
    COALESCE((SELECT SUM(r.invested) FROM projects_progressreport r
              WHERE r.project_id = p.id AND r.period_start >= %(year_start)s), 0),
    (SELECT r.period_end FROM projects_progressreport r WHERE r.project_id = p.id
     ORDER BY r.period_end DESC LIMIT 1),
    (SELECT r.percent FROM projects_progressreport r WHERE r.project_id = p.id
     ORDER BY r.period_end DESC LIMIT 1),
    (SELECT COUNT(*) FROM projects_milestone m WHERE m.project_id = p.id
     AND ((m.actual_date IS NULL AND m.planned_date < %(today)s) OR m.actual_date > m.planned_date))"""
ROW = f"""
SELECT p.id, p.name, p.stage, p.total_investment, p.year_plan_investment, p.investment_before,
       p.planned_start, p.actual_start, u.name, l.name, c.name, i.name, {FIGURES}
FROM projects_project p
JOIN org_unit u ON u.id = p.responsible_unit_id
LEFT JOIN org_person l ON l.id = p.leader_id
LEFT JOIN org_person c ON c.id = p.commissioner_id
LEFT JOIN core_industrycode i ON i.code = p.industry_id"""  # noqa: S608
LEDGER_PAGE_SQL = f"""
{ROW}
JOIN (SELECT id FROM projects_project ORDER BY updated_at DESC, id LIMIT %(size)s) page ON page.id = p.id
ORDER BY p.updated_at DESC, p.id"""  # noqa: S608
COUNT_SQL = "SELECT COUNT(*) FROM projects_project"
PROJECT_SQL = f"{ROW} WHERE p.id = %(pk)s"
REPORTS_SQL = """
SELECT id, period_key, period_start, invested, percent, progress_text, status FROM projects_progressreport
WHERE project_id = %(pk)s ORDER BY period_start"""
PHOTOS_SQL = """
SELECT ph.id, ph.report_id, ph.image FROM projects_reportphoto ph
JOIN projects_progressreport r ON r.id = ph.report_id WHERE r.project_id = %(pk)s"""
MILESTONES_SQL = """
SELECT id, project_id, seq, name, baseline_date, planned_date, actual_date FROM projects_milestone
WHERE project_id IN ({ids}) ORDER BY project_id, seq"""
BATTLE_MAP_SQL = f"""
{ROW}
JOIN (SELECT p2.id FROM projects_project p2 JOIN org_unit u2 ON u2.id = p2.responsible_unit_id
      WHERE p2.stage <> 'cancelled' ORDER BY u2.path, p2.planned_start, p2.id LIMIT %(limit)s) page
  ON page.id = p.id
ORDER BY u.path, p.planned_start, p.id"""  # noqa: S608
SUMMARY_SQL = """
SELECT u.name, u.path, p.stage, COUNT(*), SUM(p.total_investment), SUM(p.year_plan_investment)
FROM projects_project p JOIN org_unit u ON u.id = p.responsible_unit_id
GROUP BY u.name, u.path, p.stage ORDER BY u.path, p.stage"""
FIGURE_NAMES = ("invested_total", "invested_year", "last_report_end", "last_percent", "black_flags")


def _sql(query, **params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def _figures(project):
    return (project.pk, *(_plain(getattr(project, name, None)) for name in FIGURE_NAMES))


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _raw_figures(row):
    return (row[0], *(_plain(value) for value in row[12:17]))


# --- The four reads, each through the selectors and by hand ---------------------------------------

class Reads:
    """The reads a ledger user makes; each returns what can be compared between ORM and SQL."""

    def __init__(self, user, today):
        self.user, self.today = user, today
        self.params = {"today": today, "year_start": date(today.year, 1, 1)}
        self.project_pk = _busiest_project_pk()

    def _fresh_user(self):
        forget_grants(self.user)  # a request starts without the grants loaded
        return self.user

    def ledger_page(self, size=PAGE):
        queryset = selectors.project_queryset(user=self._fresh_user(), today=self.today).order_by("-updated_at", "pk")
        page = selectors.with_lights(list(queryset[:size]), self.today)
        return queryset.count(), [_figures(project) for project in page]

    def ledger_page_sql(self, size=PAGE):
        rows = _sql(LEDGER_PAGE_SQL, size=size, **self.params)
        return _sql(COUNT_SQL)[0][0], [_raw_figures(row) for row in rows]

    def project_page(self):
        """The project, its reports with running totals, its milestones and the periods not reported."""
        project = selectors.project_get(user=self._fresh_user(), pk=self.project_pk)
        reports = selectors.cumulative_for(project)
        milestones = list(project.milestones.all())
        selectors.missing_reports(project, ProjectRules.current(), self.today)  # Python over ≤24 periods
        return _figures(project), [r.pk for r in reports][::-1], [m.pk for m in milestones]

    def project_page_sql(self):
        project = _sql(PROJECT_SQL, pk=self.project_pk, **self.params)[0]
        reports = _sql(REPORTS_SQL, pk=self.project_pk)
        _sql(PHOTOS_SQL, pk=self.project_pk)
        milestones = _sql(MILESTONES_SQL.format(ids="%(pk)s"), pk=self.project_pk)
        return _raw_figures(project), [r[0] for r in reports], [m[0] for m in milestones]

    def battle_map(self, limit=selectors.BATTLE_MAP_LIMIT):
        queryset = selectors.project_queryset(user=self._fresh_user(), today=self.today)
        rows = selectors.battle_map_rows(queryset=queryset, limit=limit, today=self.today)
        return [(*_figures(p), [m.pk for m in p.milestones.all()]) for p in rows]

    def battle_map_sql(self, limit=selectors.BATTLE_MAP_LIMIT):
        rows = _sql(BATTLE_MAP_SQL, limit=limit, **self.params)
        ids = [row[0] for row in rows]
        placeholders = ", ".join(f"%(id{n})s" for n in range(len(ids)))
        milestones = _sql(MILESTONES_SQL.format(ids=placeholders), **{f"id{n}": pk for n, pk in enumerate(ids)})
        by_project = {}
        for milestone in milestones:
            by_project.setdefault(milestone[1], []).append(milestone[0])
        return [(*_raw_figures(row), by_project.get(row[0], [])) for row in rows]

    def ledger_summary(self):
        rows = selectors.ledger_summary(user=self._fresh_user())
        return [(r["responsible_unit__name"], r["responsible_unit__path"], r["stage"], r["count"],
                 r["total_investment"], r["year_plan"]) for r in rows]

    def ledger_summary_sql(self):
        return [tuple(row) for row in _sql(SUMMARY_SQL)]


# --- Lights in SQL (projects/lights.py) --------------------------------------------------------------

def light_cases(reads):
    """(label, call): the light filter, the sort by light and the red count per unit, all in SQL."""
    from zoneops.projects import lights
    from zoneops.projects.filtersets import project_filterset

    def red_filter():
        queryset = project_filterset({"light": "red"}, user=reads._fresh_user(), today=reads.today).qs
        return queryset.count(), [p.pk for p in queryset.order_by("-updated_at", "pk")[:PAGE]]

    def sorted_by_light():
        queryset = selectors.project_queryset(user=reads._fresh_user(), today=reads.today)
        return [p.pk for p in lights.with_light(queryset, reads.today).order_by("light_order", "pk")[:PAGE]]

    def red_per_unit():
        queryset = selectors.project_queryset(user=reads._fresh_user(), today=reads.today)
        return lights.red_lights_by_unit(queryset, reads.today)

    return [("按状态灯筛选（红灯：总数 + 首页20条）", red_filter), ("按状态灯排序（首页20条）", sorted_by_light),
            ("各责任单位红灯数", red_per_unit)]


def python_lights(reads):
    """The former way, for comparison: every light computed in Python (selectors.with_lights)."""
    queryset = selectors.project_queryset(user=reads._fresh_user(), today=reads.today)
    return sum(1 for p in selectors.with_lights(list(queryset), reads.today) if p.verdict.light == "red")


def measure_lights(reads, iterations):
    rows = [(label, measure(call, iterations), _load()) for label, call in light_cases(reads)]
    rows.append(("（对照）Python 逐个计算全部状态灯", measure(lambda: python_lights(reads), 3), _load()))
    return rows


def _busiest_project_pk():
    """A building project with the most reports: the heaviest project page."""
    return (Project.objects.filter(stage=Stage.BUILDING).annotate(n=Count("reports")).order_by("-n", "pk")
            .values_list("pk", flat=True).first())


# --- Measuring ---------------------------------------------------------------------------------------

@dataclass
class Timing:
    p50: float
    p95: float
    queries: int


def count_queries(call, warm_up=True):
    if warm_up:
        call()  # the first call may create the rules row or fill caches
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def measure(call, iterations):
    for _ in range(WARM_UP):
        call()
    queries = count_queries(call, warm_up=False)
    times = []
    for _ in range(iterations):
        began = perf_counter()
        call()
        times.append((perf_counter() - began) * 1000)
    return Timing(statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18], queries)


@dataclass
class Case:
    name: str
    orm: str  # method names of Reads
    sql: str
    target: str
    limit_ms: float | None = None  # p95 target; None means "≤ 1.5 × the SQL"


CASES = [
    Case("项目库列表（20条/页 + 总数）", "ledger_page", "ledger_page_sql", "p95 ≤ 100 ms", 100),
    Case("项目详情数据", "project_page", "project_page_sql", "p95 ≤ 100 ms", 100),
    Case("挂图作战（300个项目）", "battle_map", "battle_map_sql", "p95 ≤ 300 ms", 300),
    Case("按单位和阶段汇总", "ledger_summary", "ledger_summary_sql", "≤ 1.5 × SQL"),
]


def _verdict(case, orm, sql):
    ratio = orm.p95 / sql.p95 if sql.p95 else float("inf")
    met = orm.p95 <= case.limit_ms if case.limit_ms else ratio <= 1.5
    return ratio, "✓" if met else "✗"


def _http_cases(reads):
    return [("GET /projects/", "/projects/"), (f"GET /projects/{reads.project_pk}/", f"/projects/{reads.project_pk}/"),
            ("GET /projects/battle-map/", "/projects/battle-map/")]


def _load_cases(reads):
    return [*_http_cases(reads), ("GET /api/v1/projects", "/api/v1/projects")]


def measure_http(reads, iterations):
    """The pages themselves, when the views are there: a signed-in leader with scope all."""
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request otherwise
    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "127.0.0.1")
    client.force_login(reads.user)
    rows = []
    for label, url in _http_cases(reads):
        try:
            status = client.get(url).status_code
        except Exception as error:  # noqa: BLE001 - a page being written may fail; report, don't stop
            rows.append((label, f"出错：{type(error).__name__}", None))
            continue
        if status != 200:
            rows.append((label, f"HTTP {status}", None))
            continue
        rows.append((label, "200", measure(lambda url=url: client.get(url), iterations)))
    return rows


# --- The machine and the report ---------------------------------------------------------------------

def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory = next((line.split()[1] for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal")),
                  None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    else:
        database = f"SQLite {sqlite3.sqlite_version}"
    return {
        "日期": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z"),
        "CPU": f"{cpu} × {os.cpu_count()}（nproc）",
        "内存": f"{int(memory) / 1024 / 1024:.1f} GiB" if memory else "?",
        "软件": f"Python {platform.python_version()}, Django {django.get_version()}, {database}",
        "负载": _load(),
    }


def _load():
    """The machine's load average (1, 5, 15 min) when a figure is taken: 2 cores, so above 2 is queueing."""
    return "/".join(f"{value:.1f}" for value in os.getloadavg())


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


class BenchError(Exception):
    """The bench refuses to run; the message says why (in Chinese, like every operator message)."""


def run(*, projects=20_000, small=1_000, iterations=30, report=None, out=print, load_requests=0, load_seconds=20.0,
        problems=200_000, tasks=20_000):
    """Seed, measure and return the Markdown report (also written to ``report`` when given).

    ``problems`` > 0 adds the problem ledger, the workbench and a meeting's agenda (bench/problems.py) with
    that many problems and ``tasks`` 督办事项; their query counts are first taken at ``min(2000, problems // 2)``.

    ``load_requests`` > 0 adds HTTP load on a gunicorn of its own (bench/load.py): it needs the bench
    database on disk or on a server, so not the in-memory test database."""
    if not 0 < small < projects:
        raise BenchError("--small 须大于 0 且小于 --projects。")
    check_scratch_database()
    call_command("migrate", verbosity=0)
    if Project.objects.exists():
        raise BenchError("基准库里已有项目。请换一个空库：SQLite 删除 $ZONEOPS_HOME（make bench 会自动删除），"
                         "PostgreSQL 执行 dropdb zoneops_bench && createdb zoneops_bench。")
    today = timezone.localdate()
    leader, _units, _people = build_tree()
    seeded = seed_projects(small, today=today)
    reads = Reads(leader, today)
    small_counts = _query_counts(reads)
    seeded = seeded.add(seed_projects(projects - small, first=small + 1, today=today))
    _analyze()
    out(f"seeded {seeded.projects} projects, {seeded.milestones} milestones, "
        f"{seeded.reports} reports in {seeded.seconds:.1f} s; measuring…")
    reads = Reads(leader, today)
    results = [(case, measure(getattr(reads, case.orm), iterations), measure(getattr(reads, case.sql), iterations),
                getattr(reads, case.orm)() == getattr(reads, case.sql)()) for case in CASES]
    large_counts = _query_counts(reads)
    page_100 = count_queries(lambda: reads.ledger_page(size=100))
    http = measure_http(reads, iterations)
    light_rows = measure_lights(reads, iterations)
    out(_lights_markdown(light_rows))
    text = _markdown(seeded, small, results, small_counts, large_counts, page_100, http, iterations)
    text += _lights_markdown(light_rows)
    if problems > 0:
        from bench.problems import run_section

        section = run_section(leader=leader, today=today, problems=problems, tasks=tasks,
                              small=max(1, min(2_000, problems // 2)), iterations=iterations, out=out)
        out(section)
        text += section
    if load_requests > 0:
        out("HTTP load…")
        rows = measure_load(leader, _load_cases(reads), requests=load_requests, seconds=load_seconds)
        text += load_markdown(rows, requests=load_requests, seconds=load_seconds)
    if report:
        Path(report).write_text(text)
    return text


def check_scratch_database():
    name = str(connection.settings_dict["NAME"])
    if "bench" not in name.lower():
        raise BenchError(f"拒绝在“{name}”上压测：数据库名（SQLite 为文件路径）须含 “bench”，例如 "
                         "ZONEOPS_HOME=./bench-var 或 DATABASE_URL=postgres://…/zoneops_bench。")
    if connection.vendor not in ("sqlite", "postgresql"):
        raise BenchError(f"不支持的数据库：{connection.vendor}。")


def _query_counts(reads):
    return {case.name: count_queries(getattr(reads, case.orm)) for case in CASES}


def _analyze():
    """Planner statistics, as PostgreSQL's autovacuum (or SQLite's PRAGMA optimize) keeps them."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _markdown(seeded, small, results, small_counts, large_counts, page_100, http, iterations):
    lines = [f"### {connection.vendor}：{seeded.projects:,} 个项目", ""]
    lines += [f"- {key}：{value}" for key, value in machine().items()]
    lines += [f"- 造数：{seeded.projects:,} 个项目、{seeded.milestones:,} 个节点、{seeded.reports:,} 条月报，"
              f"批量写入用时 {seeded.seconds:.1f} 秒",
              f"- 每项预热 {WARM_UP} 次后测 {iterations} 次；时间为服务端耗时（毫秒）", "",
              "| 读取 | 选择器 p50 | p95 | 查询数 | 手写 SQL p50 | p95 | 查询数 | 比值（p95） | 结果一致 | 目标 |",
              "|---|---:|---:|---:|---:|---:|---:|---:|:-:|---|"]
    for case, orm, sql, same in results:
        ratio, met = _verdict(case, orm, sql)
        lines.append(f"| {case.name} | {orm.p50:.1f} | {orm.p95:.1f} | {orm.queries} | {sql.p50:.1f} | "
                     f"{sql.p95:.1f} | {sql.queries} | {ratio:.1f}× | {'是' if same else '**否**'} | "
                     f"{case.target} {met} |")
    lines += ["", f"查询数与行数无关：{small:,} 个项目 → {seeded.projects:,} 个项目", "",
              f"| 读取 | {small:,} 个项目 | {seeded.projects:,} 个项目 |", "|---|---:|---:|"]
    lines += [f"| {name} | {small_counts[name]} | {large_counts[name]} |" for name in large_counts]
    lines.append(f"| 项目库列表 100 条/页 | — | {page_100} |")
    if http:
        lines += ["", "页面（django.test.Client，已登录、数据范围“全部”的区领导）", "",
                  "| 页面 | 状态 | p50 | p95 | 查询数 |", "|---|---|---:|---:|---:|"]
        for label, status, timing in http:
            cells = f"{timing.p50:.1f} | {timing.p95:.1f} | {timing.queries}" if timing else "— | — | —"
            lines.append(f"| {label} | {status} | {cells} |")
    return "\n".join(lines) + "\n"


def _lights_markdown(rows):
    lines = ["", "状态灯在 SQL 中计算（projects/lights.py，目标 p95 ≤ 100 ms）", "",
             "| 读取 | p50 | p95 | 查询数 | 负载（1/5/15 分钟） | 目标 |", "|---|---:|---:|---:|---|---|"]
    for label, timing, load in rows:
        target = "—" if label.startswith("（对照）") else ("✓" if timing.p95 <= 100 else "✗")
        lines.append(f"| {label} | {timing.p50:.1f} | {timing.p95:.1f} | {timing.queries} | {load} | {target} |")
    return "\n".join(lines) + "\n"
