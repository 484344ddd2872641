from datetime import date

from zoneops.core.dates import cn_date, cn_month_day


def test_dates_read_without_leading_zeros():
    assert cn_date(date(2026, 11, 9)) == "2026年11月9日" and cn_month_day(date(2026, 1, 5)) == "1月5日"
    assert cn_date(None) == cn_month_day(None) == ""
