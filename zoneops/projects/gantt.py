"""The battle map (挂图作战图) as geometry: where each project's bar, milestone flags and today's line
fall on a month axis, in SVG user units, so that the template only draws what is computed here.

The flag rule (红旗 finished on time, 黑旗 overdue or finished late) is the project domain's
(:mod:`zoneops.projects.flags`); this module only draws it.
"""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from zoneops.projects.choices import Flag, Light
from zoneops.projects.flags import milestone_flag

# --- Layout (SVG user units; the A3 sheet maps 1400 units to 400 mm) ------------------------

WIDTH = 1400
HEADER = 44  # year band + month band
ROW = 28
# Rows per printed A3 sheet (the screen shows the same blocks): the first sheet leaves room for the
# title, the totals and the legend.
SHEET_ROWS = (28, 31)
FONT = 12
LABEL_FONT = 9
# Left columns: (key, heading, x where the column starts, width)
COLUMNS = (
    ("index", "序号", 0, 36),
    ("name", "项目名称", 36, 236),
    ("unit", "责任单位", 272, 118),
    ("stage", "阶段", 390, 46),
    ("progress", "进度", 436, 40),
    ("light", "状态", 476, 34),
)
TIMELINE_X = 514
TIMELINE_WIDTH = WIDTH - TIMELINE_X - 6
MAX_MONTHS = 36
MIN_MONTHS = 6
MONTHS_BEFORE = 3  # default window: this year with a quarter either side
MONTHS_AFTER = 3
# (strong, pale): the light's dot and the bar's outline, the bar's fill
LIGHT_COLOURS = {Light.GREEN: ("#2e9e4f", "#cfeedd"), Light.YELLOW: ("#e0a800", "#fcecb8"),
                 Light.RED: ("#d92d20", "#f9d3cf")}
# (fill, outline) of the pennant
FLAG_COLOURS = {Flag.RED: ("#e02418", "#b42318"), Flag.BLACK: ("#1d2939", "#101828"),
                Flag.PENDING: ("#ffffff", "#98a2b3")}


def zh_date(value):
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def add_months(first_of_month, months):
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(value):
    return date(value.year, value.month, calendar.monthrange(value.year, value.month)[1])


def months_between(start, end):
    """How many calendar months the window [start, end] touches."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def text_width(text, size=FONT):
    """Rough advance width, on the wide side: CJK and full-width characters 1 em, the rest 0.62 em."""
    return sum(size if ord(char) > 0x2E80 else size * 0.62 for char in text)


def fit(text, width, size=FONT):
    """``text`` cut with an ellipsis to fit ``width`` (the full text goes in the <title>)."""
    text = str(text or "")
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


# --- The time window ------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    start: date  # first day of the first month
    end: date  # last day of the last month

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def x(self, day):
        """The x of the start of ``day`` (the end of the window maps to the right edge)."""
        return round(TIMELINE_X + (day - self.start).days * TIMELINE_WIDTH / self.days, 2)

    @property
    def half_day(self):
        """Markers sit in the middle of their day."""
        return round(TIMELINE_WIDTH / self.days / 2, 2)

    def contains(self, day):
        return self.start <= day <= self.end


def project_dates(project):
    dates = [d for d in (project.planned_start, project.planned_completion) if d]
    dates += [d for m in project.milestones.all() for d in (m.planned_date, m.actual_date) if d]
    return dates


def choose_window(projects, today, start=None, end=None):
    """The months to draw.

    Given ``start``/``end`` (first days of months) the window is exactly those months. Otherwise it
    covers the projects' dates, clipped to this year with a quarter either side, always shows
    today's month and at least ``MIN_MONTHS`` months.
    """
    this_month = today.replace(day=1)
    if start and end:
        return Window(start, month_end(end))
    if start:
        return Window(start, month_end(add_months(start, 11)))
    if end:
        return Window(add_months(end, -11), month_end(end))
    low = add_months(date(today.year, 1, 1), -MONTHS_BEFORE)
    high = add_months(date(today.year, 12, 1), MONTHS_AFTER)
    dates = [d for project in projects for d in project_dates(project)]
    first = max(low, min(dates, default=low).replace(day=1))
    last = min(high, max(dates, default=high).replace(day=1))
    first, last = min(first, this_month), max(last, this_month)
    if months_between(first, last) < MIN_MONTHS:
        last = add_months(first, MIN_MONTHS - 1)
    return Window(first, month_end(last))


# --- What the template draws ----------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """A year or a month on the axis."""

    x: float
    width: float
    label: str
    shaded: bool = False
    year_start: bool = False

    @property
    def center(self):
        return self.x + self.width / 2


@dataclass(frozen=True)
class Marker:
    x: float
    flag: str
    label: str  # shown under the flag when there is room, else ""
    title: str
    label_x: float = 0  # the label's centre, kept inside the timeline

    @property
    def fill(self):
        return FLAG_COLOURS[self.flag][0]

    @property
    def stroke(self):
        return FLAG_COLOURS[self.flag][1]


class Bar(NamedTuple):
    """The planned construction period (计划开工 → 计划竣工), cut at the window's edges."""

    x: float
    width: float
    open_left: bool
    open_right: bool


@dataclass
class Row:
    index: int
    project: object
    name: str
    unit: str  # shown on the first row of a unit on each sheet, else ""
    stage: str
    progress: str  # the latest reported 形象进度 percentage, e.g. "66%"
    light: str
    light_title: str
    title: str
    bar: Bar | None  # None without both planned dates or when outside the window
    markers: list
    group_start: bool = False  # a new responsible unit begins (drawn as a stronger line)
    y: float = 0

    @property
    def light_colour(self):
        return LIGHT_COLOURS[self.light][0]

    @property
    def bar_fill(self):
        return LIGHT_COLOURS[self.light][1]


@dataclass
class Sheet:
    """The rows of one printed sheet, with the axis repeated at the top."""

    rows: list
    first: bool = False

    @property
    def height(self):
        return HEADER + ROW * len(self.rows) + 1

    @property
    def body_bottom(self):
        return self.height - 1

    @property
    def body_height(self):
        return self.body_bottom - HEADER


@dataclass
class Chart:
    window: Window
    today: date
    years: list
    months: list
    today_x: float | None
    sheets: list
    counts: Counter = field(default_factory=Counter)
    projects: int = 0

    width = WIDTH
    header = HEADER
    row = ROW
    font = FONT
    label_font = LABEL_FONT
    columns = [{"key": key, "label": label, "x": x, "width": width, "center": x + width / 2}
               for key, label, x, width in COLUMNS]
    timeline_x = TIMELINE_X
    timeline_end = TIMELINE_X + TIMELINE_WIDTH

    @property
    def red(self):
        return self.counts[Flag.RED]

    @property
    def black(self):
        return self.counts[Flag.BLACK]

    @property
    def pending(self):
        return self.counts[Flag.PENDING]

    @property
    def outside(self):
        """Milestones outside the window: counted in the totals, not drawn."""
        return self.counts["outside"]

    @property
    def lights(self):
        """(label, count, colour) for 绿灯, 黄灯, 红灯."""
        return [(light.label, self.counts[f"light:{light}"], LIGHT_COLOURS[light][0]) for light in Light]


def _axis(window):
    months, years, day = [], [], window.start
    while day <= window.end:
        following = add_months(day, 1)
        x, right = window.x(day), window.x(min(following, window.end + timedelta(days=1)))
        months.append(Band(x, round(right - x, 2), f"{day.month}月", shaded=day.month % 2 == 0,
                           year_start=day.month == 1 and day != window.start))
        if day.month == 1 or day == window.start:
            year_end = min(date(day.year, 12, 31), window.end)
            years.append(Band(x, round(window.x(year_end + timedelta(days=1)) - x, 2), f"{day.year}年"))
        day = following
    return months, years


def _marker(milestone, flag, window):
    lines = [f"{milestone.name}（{flag.label}）", f"计划 {zh_date(milestone.planned_date)}"]
    if milestone.baseline_date and milestone.baseline_date != milestone.planned_date:
        lines.append(f"基线 {zh_date(milestone.baseline_date)}")
    lines.append(f"完成 {zh_date(milestone.actual_date)}" if milestone.actual_date else "未完成")
    return Marker(round(window.x(milestone.planned_date) + window.half_day, 2), flag, milestone.name, "\n".join(lines))


def _label_room(markers):
    """Centre each label under its flag, inside the timeline; drop it when it would run into the
    previous label (the flag and its <title> stay)."""
    shown, last_right = [], None
    for marker in sorted(markers, key=lambda m: m.x):
        half = text_width(marker.label, LABEL_FONT) / 2
        centre = min(max(marker.x, TIMELINE_X + half + 1), TIMELINE_X + TIMELINE_WIDTH - half - 1)
        if last_right is None or centre - half >= last_right + 3:
            shown.append(Marker(marker.x, marker.flag, marker.label, marker.title, round(centre, 2)))
            last_right = centre + half
        else:
            shown.append(Marker(marker.x, marker.flag, "", marker.title))
    return shown


def _bar(project, window):
    start, end = project.planned_start, project.planned_completion
    if not start or not end or end < window.start or start > window.end:
        return None
    left = window.x(max(start, window.start))
    right = window.x(min(end, window.end) + timedelta(days=1))
    return Bar(left, max(round(right - left, 2), 2), start < window.start, end > window.end)


def _project_title(project):
    planned = f"{zh_date(project.planned_start) or '未定'} 至 {zh_date(project.planned_completion) or '未定'}"
    return "\n".join(filter(None, [
        project.name,
        f"责任单位：{project.responsible_unit.name}",
        f"包联领导：{project.leader.name}" if project.leader_id else "",
        f"计划工期：{planned}",
    ]))


def _row(index, project, window, today, counts):
    markers, outside = [], 0
    for milestone in project.milestones.all():
        flag = milestone_flag(milestone, today)
        counts[flag] += 1
        if window.contains(milestone.planned_date):
            markers.append(_marker(milestone, flag, window))
        else:
            outside += 1
    verdict = project.verdict
    counts[f"light:{verdict.light}"] += 1
    counts["outside"] += outside
    return Row(
        index=index, project=project, name=fit(project.name, COLUMNS[1][3] - 8),
        unit=project.responsible_unit.name, stage=project.get_stage_display(),
        progress=_progress(project), light=verdict.light,
        light_title="；".join((verdict.label, *verdict.reasons)), title=_project_title(project),
        bar=_bar(project, window), markers=_label_room(markers),
    )


def _progress(project):
    percent = getattr(project, "last_percent", None)
    return "" if percent is None else f"{percent}%"


def build_chart(projects, today, start=None, end=None, sheet_rows=SHEET_ROWS):
    """Lay out ``projects`` (from ``battle_map_rows``: milestones prefetched, ``.verdict`` set)."""
    window = choose_window(projects, today, start, end)
    months, years = _axis(window)
    today_x = round(window.x(today) + window.half_day, 2) if window.contains(today) else None
    chart = Chart(window=window, today=today, years=years, months=months, today_x=today_x, sheets=[],
                  projects=len(projects))
    rows = [_row(index, project, window, today, chart.counts) for index, project in enumerate(projects, start=1)]
    first_rows, more_rows = sheet_rows
    chunks = [rows[:first_rows]] + [rows[i:i + more_rows] for i in range(first_rows, len(rows), more_rows)]
    for number, chunk in enumerate(chunks):
        sheet = Sheet(rows=chunk, first=number == 0)
        previous_unit = None
        for position, row in enumerate(sheet.rows):
            row.y = HEADER + position * ROW
            unit_id = row.project.responsible_unit_id
            row.group_start = position > 0 and unit_id != previous_unit
            # The unit name opens its group, and again at the top of each sheet.
            row.unit = fit(row.unit, COLUMNS[2][3] - 8) if position == 0 or row.group_start else ""
            previous_unit = unit_id
        chart.sheets.append(sheet)
    return chart
