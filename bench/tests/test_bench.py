"""The bench still runs (tiny sizes, the test database): selectors and hand-written SQL agree."""

import pytest

from bench import run as bench_run

pytestmark = pytest.mark.django_db


def test_a_tiny_bench_runs_and_the_selectors_match_the_sql(monkeypatch, tmp_path):
    monkeypatch.setattr(bench_run, "check_scratch_database", lambda: None)  # the test database is scratch
    monkeypatch.setattr(bench_run, "WARM_UP", 0)
    report = tmp_path / "bench.md"
    text = bench_run.run(projects=12, small=4, iterations=2, report=report, out=lambda _line: None, problems=30,
                         tasks=8)
    assert report.read_text() == text
    assert "12 个项目" in text and "**否**" not in text  # every read returns what the SQL returns
    assert "| GET /projects/ | 200 |" in text
    assert "30 个问题、8 个督办事项" in text and "| GET /problems/（乡镇） | 200 |" in text


def test_the_bench_refuses_a_database_whose_name_lacks_bench():
    with pytest.raises(bench_run.BenchError, match="拒绝"):
        bench_run.check_scratch_database()
