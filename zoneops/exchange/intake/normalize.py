"""Cell values as zones write them, turned into Python values.

Every function takes one non-empty cell value and returns a value or raises ValueError with a
Chinese predicate (“应为日期…”). None of them touches the database.

Dates: 2026-03-15, 2026/3/15, 2026.3.15, 2026年3月15日, 2026.3, 2026年3月, 2026-03 (the 1st of the
month), 3月中旬 and 3月 with the sheet's year (上旬 the 1st, 中旬 the 11th, 下旬 the 21st), 2026年底 (31 Dec),
Excel dates and Excel day numbers. A number typed as 2026.3 is March; Excel keeps 2026.10 as 2026.1,
which reads as January (write it as text or as a date to mean October).

Money: numbers in the sheet's unit (元/万元/亿元), text with thousands separators, and cells carrying
their own unit (“1.2亿元”, “3000万”), always returned as integer 元.
"""

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MONEY_UNITS = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
_UNIT_IN_TEXT = re.compile(r"(亿元|万元|亿|万|元)")
_TITLES = "主任|书记|区长|县长|市长|局长|部长|主席|镇长|园长|总经理|经理|处长|科长"
_EMPTY = {"", "-", "—", "——", "/", "／", "无", "暂无", "—-"}
_DAY_OF_PART = {"上旬": 1, "中旬": 11, "下旬": 21, "初": 1, "中": 15, "底": 28, "末": 28}


def is_empty(value):
    return value is None or (isinstance(value, str) and value.strip() in _EMPTY)


def text(value):
    """A cell as one line of text (whole floats without “.0”, dates as 2026-03-01)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def detect_money_unit(*texts):
    """元/万元/亿元 from a title, a “单位：万元” line or a header “（亿元）”; None when none is named."""
    for line in texts:
        line = text(line).replace(" ", "")
        for pattern in (r"单位[:：]\s*(亿元|万元|元)", r"[（(](亿元|万元|元)[）)]"):
            found = re.search(pattern, line)
            if found:
                return found.group(1)
    return None


def parse_money(value, unit="万元"):
    """A cell in ``unit`` (or in the unit written in it) → integer 元."""
    if isinstance(value, bool | date):
        raise ValueError(f"应为金额，实为“{text(value)}”")
    factor = MONEY_UNITS[unit]
    if isinstance(value, int | float):
        amount = Decimal(f"{value:.15g}") if isinstance(value, float) else Decimal(value)
    else:
        raw = text(value).replace(",", "").replace("，", "").replace(" ", "")
        found = _UNIT_IN_TEXT.search(raw)
        if found:
            written = found.group(1)
            factor = MONEY_UNITS[written if written.endswith("元") else written + "元"]
            raw = raw[:found.start()] + raw[found.end():]
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            raise ValueError(f"应为金额（{unit}），实为“{text(value)}”") from None
    if not amount.is_finite():
        raise ValueError(f"应为金额（{unit}），实为“{text(value)}”")
    if amount < 0:
        raise ValueError("不能为负数")
    return int((amount * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_date(value, year=None):
    """A cell in one of the forms zones write → date; ``year`` completes “3月中旬”."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1900 <= value < 2200:  # 2026.3 typed as a number; 2026 alone is the year's start
            whole = int(value)
            month = round((value - whole) * 10) if value != whole and round((value - whole) * 100) % 10 == 0 \
                else round((value - whole) * 100)
            return _make(whole, month or 1, 1, value)
        if 20000 < value < 80000:  # an Excel day number in a cell not formatted as a date
            return date(1899, 12, 30) + timedelta(days=int(value))
        raise ValueError(f"应为日期，实为“{text(value)}”")
    raw = text(value).replace(" ", "")
    patterns = (
        (r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", lambda m: (m[1], m[2], m[3])),
        (r"(\d{4})[-/.年](\d{1,2})月?(上旬|中旬|下旬|初|中|底|末)?", lambda m: (m[1], m[2], _DAY_OF_PART.get(m[3], 1))),
        (r"(\d{4})年?(底|末)", lambda m: (m[1], 12, 31)),
        (r"(\d{4})年?(初)", lambda m: (m[1], 1, 1)),
        (r"(\d{1,2})月(\d{1,2})日", lambda m: (year, m[1], m[2])),
        (r"(\d{1,2})月(上旬|中旬|下旬|初|中|底|末)?", lambda m: (year, m[1], _DAY_OF_PART.get(m[2], 1))),
        (r"(\d{4})年?", lambda m: (m[1], 1, 1)),
    )
    for pattern, parts in patterns:
        found = re.fullmatch(pattern, raw)
        if found:
            y, m, d = parts(found)
            if y is None:
                raise ValueError(f"“{raw}”未写年份，且表头中找不到年份")
            return _make(int(y), int(m), int(d), value)
    raise ValueError(f"应为日期（如 2026-03-15、2026.3、2026年3月、3月中旬），实为“{text(value)}”")


def _make(year, month, day, value):
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"不是有效日期：“{text(value)}”") from None


def sheet_year(*texts):
    """The year a sheet is about, from its title (“2026年重点项目…”): completes dates written without one."""
    for line in texts:
        found = re.search(r"(20\d{2})年", text(line))
        if found:
            return int(found.group(1))
    return None


def abbreviation_of(short, full):
    """True when ``short`` reads as an abbreviation of ``full``: its characters appear in order (高新园 →
    高新技术产业园)."""
    position = 0
    for char in short:
        position = full.find(char, position)
        if position < 0:
            return False
        position += 1
    return len(short) < len(full)


def split_person(value):
    """“张副主任” → ("张", "副主任"); “张三” → ("张三", ""). A title is recognised by its ending."""
    raw = text(value)
    found = re.fullmatch(rf"(.{{1,2}}?)((?:常务)?副?(?:{_TITLES}))", raw)
    if found:
        return found.group(1), found.group(2)
    return raw, ""
