"""The dedup bench still runs (tiny size, the test database) and finds every variant it plants."""

import pytest

from bench import enterprise_dedup

pytestmark = pytest.mark.django_db


def test_a_tiny_dedup_bench_runs_without_wrong_answers(monkeypatch):
    monkeypatch.setattr(enterprise_dedup, "check_scratch_database", lambda: None)  # the test database is scratch
    report, misses = enterprise_dedup.run(1200, 20)
    assert misses == 0 and "over 1,200 enterprises" in report


def test_the_dedup_bench_refuses_a_database_whose_name_lacks_bench():
    with pytest.raises(SystemExit, match="bench"):
        enterprise_dedup.check_scratch_database()
