"""The demo projects on paper: what each one is, where it stands and what it reported, decided
from ``today`` and a seeded random generator before anything is written (see :mod:`.projects`)."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from zoneops.core.periods import PeriodKind, period_containing
from zoneops.demo import project_catalog as catalog
from zoneops.projects.choices import REPORTING_STAGES, STAGE_ORDER, BuildNature, ReportStatus, Stage
from zoneops.projects.templates_seed import INDUSTRIAL, INFRASTRUCTURE

SEED = 2026
YI = 100_000_000
WAN = 10_000

STAGE_COUNTS = {
    Stage.RESERVE: 14, Stage.SIGNED: 12, Stage.PREPARING: 14, Stage.STARTED: 10, Stage.IN_STATS: 10,
    Stage.BUILDING: 30, Stage.COMPLETED: 10, Stage.OPERATING: 8, Stage.FULL_OUTPUT: 6,
    Stage.SUSPENDED: 4, Stage.CANCELLED: 2,
}
INFRASTRUCTURE_STAGES = [Stage.PREPARING, Stage.PREPARING, Stage.STARTED, Stage.IN_STATS] + [Stage.BUILDING] * 6
# 辛市镇 projects followed by demo-town-a as 项目专员, so there is always something to report on.
FEATURED_TOWNSHIP = "jkq-xsz"
FEATURED = {Stage.STARTED: 2, Stage.IN_STATS: 1, Stage.BUILDING: 3}

# Planned start relative to today (days) for each stage, so the schedule agrees with the stage.
START_OFFSETS = {
    Stage.RESERVE: (200, 600), Stage.SIGNED: (130, 330), Stage.PREPARING: (20, 125),
    Stage.STARTED: (-110, -45), Stage.IN_STATS: (-170, -50), Stage.BUILDING: (-330, -120),
    Stage.COMPLETED: (-355, -300), Stage.OPERATING: (-700, -380), Stage.FULL_OUTPUT: (-1300, -800),
    Stage.SUSPENDED: (-400, -150), Stage.CANCELLED: (-60, 120),
}
# The milestone a stage says is done, and the furthest one it may have done on schedule.
REACH = {
    INDUSTRIAL: {
        Stage.SIGNED: ("签约", "供地"), Stage.PREPARING: ("供地", "施工许可"), Stage.STARTED: ("开工", "开工"),
        Stage.IN_STATS: ("开工", "开工"), Stage.BUILDING: ("开工", "设备安装"),
        Stage.COMPLETED: ("竣工验收", "竣工验收"), Stage.OPERATING: ("投产", "投产"),
        Stage.FULL_OUTPUT: ("投产", "投产"), Stage.SUSPENDED: ("开工", "开工"), Stage.CANCELLED: ("签约", "立项/备案"),
    },
    INFRASTRUCTURE: {
        Stage.PREPARING: ("可研批复", "施工许可"), Stage.STARTED: ("开工", "开工"), Stage.IN_STATS: ("开工", "开工"),
        Stage.BUILDING: ("开工", "主体完工"),
    },
}
# (health, weight): late = one milestone done late; stuck = one late and one missed.
MILESTONE_HEALTH = [("good", 80), ("late", 14), ("stuck", 6)]
# Trailing months without a report (0, 1 or 2) and how this year's investment keeps pace with the plan.
MISSING_MONTHS = [(0, 86), (1, 8), (2, 6)]
INVESTMENT_PACE = [((1.0, 1.15), 84), ((0.72, 0.86), 11), ((0.45, 0.6), 5)]
INVESTMENT_BANDS = [((0.5, 1), 25), ((1, 3), 35), ((3, 10), 28), ((10, 20), 8), ((20, 30), 4)]  # 亿元
TOWNSHIP_WEIGHTS = {"jkq-xsz": 2, "jkq-lbz": 2, "jkq-xyz": 2, "jkq-gdz": 1, "jkq-ygz": 1, "jkq-qnz": 1,
                    "jkq-cnz": 1, "jkq-xinyi": 1, "jkq-gxy": 6}
STATS_TARGETS = [15, 30, 45, 60]  # 开工纳统计划, cumulative by quarter
BUILD_NATURES = [(BuildNature.NEW, 80), (BuildNature.EXPANSION, 10), (BuildNature.RENOVATION, 8),
                 (BuildNature.RELOCATION, 2)]
LEVELS = ("is_national_key", "is_provincial_key", "is_city_key", "is_district_key")


# --- One project ---------------------------------------------------------------------------------

def _weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _days(n):
    return timedelta(days=n)


@dataclass
class Plan:
    """Everything decided about one demo project before anything is written."""

    stage: str
    template: str
    fields: dict
    co_units: list = field(default_factory=list)
    milestones: list = field(default_factory=list)  # (seq, name, baseline, planned, actual, replans, note)
    stage_path: list = field(default_factory=list)  # (stage, effective_on, reason)
    report_end: date | None = None  # last day the project reported on (completion or suspension)
    missing_months: int = 0
    pace: float = 1.0
    with_approvals: bool = False
    reports: list = field(default_factory=list)

    def actual(self, name):
        return next((m[4] for m in self.milestones if m[1] == name), None)


def _stage_list(rng):
    """(stage, template) for each project; infrastructure takes some of the early-stage places."""
    infrastructure = list(INFRASTRUCTURE_STAGES)
    slots = []
    for stage, count in STAGE_COUNTS.items():
        for _ in range(count):
            if stage in infrastructure:
                infrastructure.remove(stage)
                slots.append((stage, INFRASTRUCTURE))
            else:
                slots.append((stage, INDUSTRIAL))
    return slots


def _investment(rng):
    low, high = _weighted(rng, INVESTMENT_BANDS)
    return round(rng.uniform(low, high) * 100) * (YI // 100)  # to the million 元


def _levels(rng, total, stage):
    if stage == Stage.RESERVE:
        return {}
    provincial = total >= 10 * YI or (total >= 5 * YI and rng.random() < 0.6)
    city = provincial or (total >= 2 * YI and rng.random() < 0.7)
    return {
        "is_national_key": total >= 15 * YI and rng.random() < 0.5,
        "is_provincial_key": provincial,
        "is_city_key": city,
        "is_district_key": not city or rng.random() < 0.3,
    }


def _unit_code(rng, stage, template, featured):
    if featured:
        return FEATURED_TOWNSHIP
    if template == INFRASTRUCTURE:
        return _weighted(rng, [("jkq-zj", 5), ("jkq-xmb", 3), ("jkq-gxy", 2)])
    if stage == Stage.RESERVE and rng.random() < 0.4:
        return "jkq-zsj"
    return _weighted(rng, TOWNSHIP_WEIGHTS.items())


def _location(rng, unit):
    if unit.code == "jkq-gxy":
        return f"高新技术产业园{rng.choice(catalog.PARK_ROADS)}以{rng.choice('东西南北')}"
    if unit.kind == "township":
        return f"{unit.name}{rng.choice(catalog.VILLAGES)}"
    return f"渭南经开区{rng.choice(catalog.PARK_ROADS)}"


def _content(rng, total, template):
    if template == INFRASTRUCTURE:
        return f"建设内容包括道路、管网、绿化及附属设施，估算总投资{total / YI:.2f}亿元。"
    mu = max(20, round(total / WAN / rng.uniform(300, 500)))
    area = round(mu * 666.67 * rng.uniform(0.8, 1.3) / 1000) * 1000
    return (f"项目总用地约{mu}亩，新建生产厂房、仓库及综合楼等建筑约{area:,}平方米，"
            f"购置主要生产设备{rng.randint(40, 400)}台（套），建设生产线{rng.randint(2, 8)}条。")


def _names(rng, slots):
    """(name, enterprise, industry code) per slot: every brand once, every name different."""
    brands = list(catalog.BRANDS)
    rng.shuffle(brands)
    infrastructure = list(catalog.INFRASTRUCTURE)
    rng.shuffle(infrastructure)
    names = []
    for _stage, template in slots:
        if template == INFRASTRUCTURE:
            code, name = infrastructure.pop()
            names.append((name, rng.choice(catalog.PLATFORM_COMPANIES), code))
            continue
        code, suffix, patterns, (low, high) = rng.choice(catalog.INDUSTRIAL_THEMES)
        enterprise = rng.choice(catalog.NAME_FORMS).format(brand=brands.pop(), suffix=suffix)
        names.append((enterprise + rng.choice(patterns).format(n=rng.randint(low, high)), enterprise, code))
    return names


def _milestones(rng, items, anchor, today, reach):
    """Template items dated from the anchor; done ones get actual dates, mostly on time (红旗)."""
    required, furthest = reach
    names = [name for _seq, name, _offset in items]
    must, may = names.index(required), names.index(furthest)
    yesterday = today - _days(1)
    rows = []
    for index, (seq, name, offset) in enumerate(items):
        planned = anchor + _days(offset)
        done = index <= must or (index <= may and planned < today)
        actual = min(planned - _days(rng.randint(0, 6)), yesterday) if done else None
        rows.append([seq, name, planned, planned, actual, 0, ""])
    health = _weighted(rng, MILESTONE_HEALTH)
    late = [i for i, row in enumerate(rows) if i > 0 and row[4] and row[3] + _days(4) < yesterday]
    if health in ("late", "stuck") and late:
        index = rng.choice(late)
        gap = (rows[index + 1][3] - rows[index][3]).days if index + 1 < len(rows) else 60
        rows[index][4] = min(rows[index][3] + _days(rng.randint(4, max(4, min(30, gap - 7)))), yesterday)
    optional = [i for i in range(must + 1, may + 1) if rows[i][4]]
    if health == "stuck" and optional:
        rows[max(optional)][4] = None  # missed: overdue without completion (黑旗)
    previous = None
    for row in rows:  # a node is not finished before the one ahead of it
        if row[4] and previous and row[4] < previous:
            row[4] = previous
        previous = row[4] or previous
    pending = [row for row in rows if row[4] is None and row[3] > today]
    if pending and rng.random() < 0.12:  # re-planned once; the baseline stays
        row = pending[0]
        row[3], row[5], row[6] = row[3] + _days(rng.randint(15, 60)), 1, "企业申请，经专班研究同意顺延"
    return [tuple(row) for row in rows]


def _stage_path(rng, plan, today):
    """The walk along the stage line, with the dates the milestones imply."""
    yesterday = today - _days(1)
    target = Stage.BUILDING if plan.stage == Stage.SUSPENDED else plan.stage
    if plan.stage == Stage.CANCELLED:
        target = Stage.SIGNED
    start = plan.actual("开工")
    in_stats = min(start + _days(rng.randint(20, 45)), yesterday) if start else None
    building = min(in_stats + _days(rng.randint(3, 25)), yesterday) if in_stats else None
    operating = plan.actual("投产")
    dates = {
        Stage.SIGNED: plan.actual("签约"), Stage.PREPARING: plan.actual("供地") or plan.actual("可研批复"),
        Stage.STARTED: start, Stage.IN_STATS: in_stats, Stage.BUILDING: building,
        Stage.COMPLETED: plan.actual("竣工验收"), Stage.OPERATING: operating,
        Stage.FULL_OUTPUT: min(operating + _days(rng.randint(180, 400)), yesterday) if operating else None,
    }
    path = []
    for stage in STAGE_ORDER[1:STAGE_ORDER.index(target) + 1] if target != Stage.RESERVE else []:
        if dates[stage] is None:  # 政府投资项目 have no signing: step over it, saying why
            continue
        reason = "政府投资项目，无招商签约环节" if stage == Stage.PREPARING and not path else ""
        path.append((stage, dates[stage], reason))
    last = path[-1][1] if path else yesterday
    if plan.stage == Stage.SUSPENDED:
        suspended = min(max(last + _days(10), today - _days(rng.randint(20, 100))), yesterday)
        path.append((Stage.SUSPENDED, suspended, rng.choice(catalog.SUSPEND_REASONS)))
        plan.report_end = suspended
    if plan.stage == Stage.CANCELLED:
        cancelled = min(max(last + _days(20), today - _days(rng.randint(10, 60))), yesterday)
        path.append((Stage.CANCELLED, cancelled, rng.choice(catalog.CANCEL_REASONS)))
    if plan.stage in (Stage.COMPLETED, Stage.OPERATING, Stage.FULL_OUTPUT):
        plan.report_end = dates[Stage.COMPLETED]
    return path


def _year_plan(rng, plan, total, today):
    started = plan.actual("开工")
    completed = plan.actual("竣工验收") if plan.stage != Stage.SUSPENDED else None
    if plan.stage in (*REPORTING_STAGES, Stage.SUSPENDED) or (
            plan.stage == Stage.COMPLETED and completed and completed.year == today.year):
        return round(total * rng.uniform(0.25, 0.45) / WAN) * WAN
    planned = plan.fields.get("planned_start")
    if plan.stage == Stage.PREPARING and planned and planned.year == today.year and not started:
        return round(total * rng.uniform(0.05, 0.15) / WAN) * WAN
    return 0


def _project_code(rng, plan, industry, serials):
    filed = plan.actual("立项/备案") or plan.actual("立项")
    if filed is None:
        return ""
    serial = rng.randint(100000, 999999)
    while serial in serials:
        serial = rng.randint(100000, 999999)
    serials.add(serial)
    kind = "01" if plan.template == INFRASTRUCTURE else "03"  # 01 审批, 03 备案
    return f"{filed:%y%m}-610502-{industry[:2]}-{kind}-{serial:06d}"


def plan_projects(demo, today, rules, rng=None):
    """One :class:`Plan` per project of :data:`STAGE_COUNTS`; ``demo`` gives the units, people,
    industries and milestone templates to use."""
    rng = rng or random.Random(SEED)
    slots = _stage_list(rng)
    featured, serials, plans = dict(FEATURED), set(), []
    for (stage, template), names in zip(slots, _names(rng, slots), strict=True):
        is_featured = template == INDUSTRIAL and featured.get(stage, 0) > 0
        if is_featured:
            featured[stage] -= 1
        plans.append(_plan(rng, demo, today, rules, stage, template, names, is_featured, serials))
    return plans


def _plan(rng, demo, today, rules, stage, template, names, featured, serials):
    industry = names[2]
    items = demo.templates[template]
    fields = _fields(rng, demo, today, stage, template, names, featured)
    plan = Plan(stage=stage, template=template, fields=fields)
    if stage != Stage.RESERVE:
        reach = REACH[template][stage]
        plan.milestones = _milestones(rng, items, fields["planned_start"], today, reach)
    plan.stage_path = _stage_path(rng, plan, today)
    fields["year_plan_investment"] = _year_plan(rng, plan, fields["total_investment"], today)
    fields["code"] = _project_code(rng, plan, industry, serials)
    if stage in REPORTING_STAGES and not featured:
        plan.missing_months = _weighted(rng, MISSING_MONTHS)
        plan.pace = rng.uniform(*_weighted(rng, INVESTMENT_PACE))
    plan.reports, fields["investment_before"] = _plan_reports(rng, plan, today, rules.report_window_days)
    plan.with_approvals = stage not in (Stage.RESERVE, Stage.SIGNED, Stage.CANCELLED) and rng.random() < 0.7
    if any(fields.get(level) for level in LEVELS) and rng.random() < 0.3:
        codes = ["jkq-tc"] if rng.random() < 0.5 else ["jkq-gh", "jkq-hb"]
        plan.co_units = [demo.units[code] for code in codes]
    return plan


def _fields(rng, demo, today, stage, template, names, featured):
    """The ledger fields of a project, as project_create takes them."""
    name, enterprise, industry = names
    industrial = template == INDUSTRIAL
    unit = demo.units[_unit_code(rng, stage, template, featured)]
    total = _investment(rng) if industrial else round(rng.uniform(0.5, 6) * 100) * (YI // 100)
    anchor = today + _days(rng.randint(*START_OFFSETS[stage]))
    levels = _levels(rng, total, stage)
    offsets = {item_name: offset for _seq, item_name, offset in demo.templates[template]}
    fields = {
        "name": name, "enterprise": enterprise, "responsible_unit": unit, "industry": demo.industries[industry],
        **levels,
        "leader": rng.choice(demo.leaders) if stage != Stage.RESERVE else None,
        "commissioner": _commissioner(rng, demo, unit, stage, featured),
        "task_force": _task_force(demo, industry, levels),
        "build_nature": _weighted(rng, BUILD_NATURES) if industrial else BuildNature.NEW,
        "total_investment": total,
        "planned_start": anchor,
        "planned_completion": anchor + _days(offsets["竣工验收"]),
        "location": _location(rng, unit),
        "content": _content(rng, total, template),
    }
    if industrial:
        output = round(total * rng.uniform(0.8, 2.0) / WAN) * WAN
        fields.update(expected_output=output, expected_tax=round(output * rng.uniform(0.03, 0.08) / WAN) * WAN,
                      expected_jobs=round(total / YI * rng.uniform(30, 100)))
    if levels.get("is_provincial_key") or levels.get("is_national_key"):
        fields.update(measures=catalog.MEASURES, standard=catalog.STANDARD, reward_penalty=catalog.REWARD_PENALTY)
    return fields


def _commissioner(rng, demo, unit, stage, featured):
    """项目专员: the township's deputy head for part of its projects (all of the featured ones)."""
    username = {"jkq-xsz": "demo-town-a", "jkq-lbz": "demo-town-b"}.get(unit.code)
    if username and stage != Stage.RESERVE and (featured or rng.random() < 0.5):
        return demo.people[username]
    return None


def _task_force(demo, industry, levels):
    if industry in catalog.NEV_INDUSTRIES:
        return demo.units["jkq-zb-xny"]
    if levels.get("is_provincial_key") or levels.get("is_national_key"):
        return demo.units["jkq-zb-xm"]
    return None


# --- Rows derived from a saved project -----------------------------------------------------------

# --- Its monthly reports --------------------------------------------------------------------------

def _report_months(plan, today):
    """The monthly periods the project should have reported on (the last twelve closed months at
    most), and the first month of that window."""
    last = period_containing(PeriodKind.MONTH, today).previous()
    first = last
    for _ in range(11):
        first = first.previous()
    start = plan.actual("开工")
    if start is None:
        return [], first
    period = period_containing(PeriodKind.MONTH, max(start, first.start))
    end = min(plan.report_end or today, last.end)
    months = []
    while period.start <= end:
        months.append(period)
        period = period.next()
    return months, first


def _amounts(rng, plan, months, total, today):
    """Per-month investment: this year's reports keep (or miss) pace with the year plan (序时进度)."""
    year_plan = plan.fields["year_plan_investment"]
    this_year = [m for m in months if m.start.year == today.year]
    done_year = year_plan * min(1.0, today.month / 12 * plan.pace)
    weights = {m.key: rng.uniform(0.6, 1.4) for m in months}
    share = sum(weights[m.key] for m in this_year) or 1
    average = done_year / len(this_year) if this_year else total * rng.uniform(0.02, 0.05)
    amounts = {}
    for month in months:
        this = month.start.year == today.year
        value = done_year * weights[month.key] / share if this else average * weights[month.key]
        amounts[month.key] = round(value / WAN) * WAN
    spent = sum(amounts.values())
    if spent > total * 0.9:
        amounts = {key: round(value * total * 0.85 / spent / WAN) * WAN for key, value in amounts.items()}
    return amounts


def _filed(rng, plan, months, today, window_days):
    """The months actually filed: some projects stopped reporting, a few skipped one."""
    months = months[:len(months) - plan.missing_months]
    if len(months) > 4 and rng.random() < 0.08:
        months.pop(rng.randrange(1, len(months) - 2))
    if months and months[-1].end + _days(window_days) >= today and rng.random() < 0.4:
        months.pop()  # last month's window is still open and this one has not filed yet
    return months


def _investment_before(rng, plan, total, reported, window_start):
    """Investment completed before the first report in the system (以前年度累计完成投资)."""
    start = plan.actual("开工")
    if start is None:
        return 0
    if plan.stage in (Stage.COMPLETED, Stage.OPERATING, Stage.FULL_OUTPUT):
        return max(0, round((total * rng.uniform(0.92, 1.0) - reported) / WAN) * WAN)
    if start < window_start:
        return min(total - reported, round(total * rng.uniform(0.2, 0.4) / WAN) * WAN)
    return 0


def _submitted(rng, period, today, window_days, late):
    day = period.end + _days(rng.randint(window_days + 1, window_days + 12) if late else rng.randint(1, window_days))
    day = min(day, today - _days(1))
    return timezone.make_aware(datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)))), day


def progress_text(percent):
    return next(text for below, text in catalog.PROGRESS_TEXTS if percent < below)


def _plan_reports(rng, plan, today, window_days):
    """Monthly reports as (period, invested, percent, workers, status, submitted_at, is_late), and the
    investment completed before them."""
    months, first = _report_months(plan, today)
    if not months:
        return [], 0
    total = plan.fields["total_investment"]
    amounts = _amounts(rng, plan, months, total, today)
    filed = _filed(rng, plan, months, today, window_days)
    before = _investment_before(rng, plan, total, sum(amounts[m.key] for m in filed), first.start)
    running = before
    reports = []
    for index, month in enumerate(filed):
        running += amounts[month.key]
        finished = plan.stage != Stage.SUSPENDED and plan.report_end and month.end >= plan.report_end
        percent = 100 if finished else min(99, round(running * 100 / total))
        submitted_at, day = _submitted(rng, month, today, window_days, late=rng.random() < 0.08)
        status = ReportStatus.ACCEPTED
        if index == len(filed) - 1:
            status = ReportStatus.RETURNED if rng.random() < 0.05 else ReportStatus.SUBMITTED
        reports.append((month, amounts[month.key], percent, rng.randint(40, 350), status, submitted_at,
                        day > month.end + _days(window_days)))
    return reports, before
