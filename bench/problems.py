"""The problem ledger, the workbench and a dispatch meeting's agenda at province scale (part of
``python -m bench``): 200,000 problems and ~20,000 督办事项 over the bench tree (:mod:`bench.problem_data`).

Measured in-process like the ledger (:func:`bench.run.measure`: warm-up, then p50/p95 and the queries of
one call), with the machine's load beside each figure:

- the problem list's page data (``problem_list`` ordered as the page orders it, 20 rows, the total, and
  each row's deadline state as the page shows it) as the leader (全部) and as a township (本单位);
- ``workbench.items_for`` for a township cadre, a county's project office and a province office;
- ``agenda_candidates`` for the bench county's weekly meeting (its organiser's scope);
- ``GET /problems/`` and ``GET /workbench/`` through the test client, signed in.

Query counts are taken at a small size and again at full size: they must not grow with the rows.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client

from bench.problem_data import build_people, seed_dispatch, seed_problems
from zoneops.core import workbench
from zoneops.dispatch import selectors as dispatch_selectors
from zoneops.org.scope import forget_grants
from zoneops.problems import selectors as problem_selectors

PAGE = 20


@dataclass
class Case:
    label: str
    call: object
    target_ms: float


class ProblemReads:
    def __init__(self, leader, town, office, province, meeting, today):
        self.leader, self.town, self.office, self.province = leader, town, office, province
        self.meeting, self.today = meeting, today

    @staticmethod
    def _fresh(user):
        forget_grants(user)  # a request starts without the grants loaded
        return user

    def list_page(self, user):
        queryset = problem_selectors.problem_list(user=self._fresh(user))
        rows = list(queryset[:PAGE])
        return queryset.count(), [(problem.pk, problem.deadline_state(self.today).value) for problem in rows]

    def items(self, user):
        return [(item.kind, item.url) for item in workbench.items_for(self._fresh(user), self.today)]

    def agenda(self):
        return dispatch_selectors.agenda_candidates(self.meeting, user=self._fresh(self.office), today=self.today)

    def cases(self):
        return [
            Case("问题台账列表（20条/页 + 总数），区领导（全部）", lambda: self.list_page(self.leader), 100),
            Case("问题台账列表（20条/页 + 总数），乡镇（本单位）", lambda: self.list_page(self.town), 100),
            Case("工作台 items_for，乡镇干部", lambda: self.items(self.town), 100),
            Case("工作台 items_for，区县项目办（本单位及下级）", lambda: self.items(self.office), 100),
            Case("工作台 items_for，省项目办（全部）", lambda: self.items(self.province), 100),
            Case("调度会议程 agenda_candidates（区县周调度）", self.agenda, 300),
        ]

    def pages(self):
        return [("GET /problems/（区领导）", self.leader, "/problems/"),
                ("GET /problems/（乡镇）", self.town, "/problems/"),
                ("GET /workbench/（乡镇干部）", self.town, "/workbench/"),
                ("GET /workbench/（区县项目办）", self.office, "/workbench/")]


def plans(reads):
    """The database's plan for the two list queries (the page's rows), to read beside the figures."""
    explained = []
    for label, user in (("区领导", reads.leader), ("乡镇", reads.town)):
        queryset = problem_selectors.problem_list(user=reads._fresh(user))[:PAGE]
        explained.append((label, " / ".join(line.strip() for line in queryset.explain().splitlines())))
    return explained


def measure_pages(reads, iterations):
    from bench.run import _load, measure

    rows = []
    for label, user, url in reads.pages():
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "127.0.0.1")
        client.force_login(user)
        status = client.get(url).status_code
        timing = measure(lambda client=client, url=url: client.get(url), iterations) if status == 200 else None
        rows.append((label, status, timing, _load()))
    return rows


def run_section(*, leader, today, problems, tasks, small, iterations, out=print):
    """Seed problems and dispatch data beside the projects, measure, and return the Markdown section."""
    from bench.run import _analyze, _load, count_queries, machine, measure

    town, office, province = build_people()
    seeded, meeting = seed_dispatch(tasks, today=today)
    seeded = seeded.add(seed_problems(small, today=today))
    reads = ProblemReads(leader, town, office, province, meeting, today)
    small_counts = [count_queries(case.call) for case in reads.cases()]
    seeded = seeded.add(seed_problems(problems - small, first=small + 1, today=today))
    _analyze()
    out(f"seeded {seeded.problems} problems, {seeded.tasks} tasks, {seeded.meetings} meetings "
        f"in {seeded.seconds:.1f} s; measuring…")
    results = [(case, measure(case.call, iterations), _load()) for case in reads.cases()]
    return _markdown(seeded, small, small_counts, results, measure_pages(reads, iterations), plans(reads),
                     machine(), iterations)


def _markdown(seeded, small, small_counts, results, pages, explained, facts, iterations):
    lines = ["", f"### {connection.vendor}：{seeded.problems:,} 个问题、{seeded.tasks:,} 个督办事项", ""]
    lines += [f"- {key}：{value}" for key, value in facts.items()]
    lines += [f"- 造数：{seeded.problems:,} 个问题（约一成有配合单位）、{seeded.meetings:,} 次调度会、"
              f"{seeded.tasks:,} 个督办事项，批量写入用时 {seeded.seconds:.1f} 秒",
              f"- 每项预热后测 {iterations} 次，取中位数（p50）与 p95；时间为服务端耗时（毫秒）", "",
              f"| 读取 | p50 | p95 | 查询数（{small:,} → {seeded.problems:,} 个问题） | 负载（1/5/15 分钟） | 目标 |",
              "|---|---:|---:|---:|---|---|"]
    for (case, timing, load), before in zip(results, small_counts, strict=True):
        met = "✓" if timing.p95 <= case.target_ms else "✗"
        lines.append(f"| {case.label} | {timing.p50:.1f} | {timing.p95:.1f} | {before} → {timing.queries} | {load} | "
                     f"p95 ≤ {case.target_ms:.0f} ms {met} |")
    lines += ["", "页面（django.test.Client，已登录）", "", "| 页面 | 状态 | p50 | p95 | 查询数 | 负载 | 目标 |",
              "|---|---|---:|---:|---:|---|---|"]
    for label, status, timing, load in pages:
        if timing is None:
            lines.append(f"| {label} | HTTP {status} | — | — | — | {load} | — |")
        else:
            met = "✓" if timing.p95 <= 100 else "✗"
            lines.append(f"| {label} | {status} | {timing.p50:.1f} | {timing.p95:.1f} | {timing.queries} | {load} | "
                         f"p95 ≤ 100 ms {met} |")
    lines += ["", "列表查询的执行计划", ""] + [f"- {label}：`{plan}`" for label, plan in explained]
    return "\n".join(lines) + "\n"

