"""The problem/workbench/agenda bench still runs at a tiny size (the test database) and measures real rows."""

import re

import pytest
from django.utils import timezone

from bench import problems as problem_bench
from bench import run as bench_run
from bench.data import build_tree, seed_projects
from bench.problem_data import bench_people
from zoneops.dispatch.choices import AgendaKind
from zoneops.dispatch.models import Meeting, Task
from zoneops.problems.models import Problem

pytestmark = pytest.mark.django_db


def test_a_tiny_problem_bench_measures_every_read_with_bounded_queries(monkeypatch):
    monkeypatch.setattr(bench_run, "WARM_UP", 0)
    today = timezone.localdate()
    leader, _units, _people = build_tree()
    seed_projects(30, today=today)
    text = problem_bench.run_section(leader=leader, today=today, problems=400, tasks=80, small=100, iterations=2,
                                     out=lambda _line: None)
    assert Problem.objects.unscoped().count() == 400 and Task.objects.unscoped().count() == 80
    assert "400 个问题、80 个督办事项" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "ms" in line]
    assert len(rows) == 6 + 4  # six reads, four pages
    counts = [(int(small), int(large)) for small, large in re.findall(r"\| (\d+) → (\d+) \|", text)]
    assert len(counts) == 6
    assert all(small == large for small, large in counts[2:])  # the workbench and the agenda: fixed
    # The list pages: bounded by the page, not the table (each overdue row still reads the calendar once).
    assert all(large <= small + problem_bench.PAGE for small, large in counts[:2])
    assert text.count("| 200 |") == 4  # every page answered
    town, office, _province = bench_people()
    reads = problem_bench.ProblemReads(leader, town, office, _province, Meeting.objects.get(held_on=today), today)
    total, page = reads.list_page(town)
    visible = Problem.objects.unscoped().filter(raising_unit=town.unit) | Problem.objects.unscoped().filter(
        responsible_unit=town.unit)
    assert 0 < visible.count() <= total < 400 and len(page) == min(total, 20)
    assert reads.list_page(leader)[0] == 400
    assert any(item["kind"] == AgendaKind.OPEN_DECISION for item in reads.agenda())  # last week's decisions
