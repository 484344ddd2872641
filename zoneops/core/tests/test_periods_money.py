from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoneops.core.money import format_money, format_wan, wan_to_yuan, yuan_to_wan
from zoneops.core.periods import PeriodKind, parse_period, period_containing, periods_between


@pytest.mark.parametrize("day, kind, key, label", [
    (date(2026, 11, 23), "year", "2026", "2026年"),
    (date(2026, 11, 23), "quarter", "2026-Q4", "2026年第4季度"),
    (date(2026, 11, 23), "month", "2026-11", "2026年11月"),
    (date(2026, 11, 23), "xun", "2026-11-X3", "2026年11月下旬"),
    (date(2026, 11, 10), "xun", "2026-11-X1", "2026年11月上旬"),
    (date(2026, 2, 28), "xun", "2026-02-X3", "2026年2月下旬"),
    (date(2026, 11, 23), "week", "2026-W48", "2026年第48周"),
])
def test_period_containing(day, kind, key, label):
    period = period_containing(kind, day)
    assert (period.key, period.label) == (key, label)
    assert day in period
    assert parse_period(key) == period


def test_xun_boundaries():
    assert period_containing("xun", date(2026, 2, 21)).end == date(2026, 2, 28)
    assert period_containing("xun", date(2026, 1, 31)).start == date(2026, 1, 21)


def test_bad_period_key_has_a_chinese_message():
    with pytest.raises(ValueError, match="无法识别的期间"):
        parse_period("2026-13")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(list(PeriodKind)))
def test_periods_tile_time(day, kind):
    period = period_containing(kind, day)
    assert period.start <= day <= period.end
    assert period.next().start == period.end.fromordinal(period.end.toordinal() + 1)
    assert period.previous().next() == period


def test_periods_between_counts_months():
    months = list(periods_between("month", date(2026, 1, 15), date(2026, 12, 1)))
    assert [p.key for p in months][:2] == ["2026-01", "2026-02"] and len(months) == 12


@pytest.mark.parametrize("text, yuan", [("1", 10000), ("1,234.5", 12345000), ("0.0001", 1), ("-2", -20000)])
def test_wan_to_yuan(text, yuan):
    assert wan_to_yuan(text) == yuan


@pytest.mark.parametrize("text", ["", "abc", "0.00001", "NaN", "Infinity"])
def test_wan_to_yuan_rejects(text):
    with pytest.raises(ValueError):
        wan_to_yuan(text)


def test_formatting():
    assert format_wan(12345000) == "1,234.50"
    assert format_money(12345000) == "1,234.50万元"
    assert format_money(1_234_500_000) == "12.35亿元"
    assert str(yuan_to_wan(5)) == "0.00"


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_wan_round_trip_is_exact(yuan):
    assert wan_to_yuan(yuan_to_wan(yuan, places=4)) == yuan
