"""Period figures (口径): each figure defined once, as a condition on the scoped projects plus an aggregate.

The summary page, ``/api/v1/projects/summary``, the summary's Excel export and the ledger's drill-down
(``?figure=<code>&period=<key>``) all read these definitions, so a number and the rows behind it agree.

Kinds of figure:
- event figures count what happened in the period (新开工 by actual start, 竣工, 投产, 新签约, 入库纳统 by
  inclusion date), whatever the project's stage today. Terminated (终止) projects stay in: the event happened.
- plan figures (三个一批) are about the period's year. Terminated projects are out: they are no longer planned.
- report figures (完成投资, 本年累计) sum ACCEPTED progress reports only; submitted, returned and draft
  reports count in no figure. Terminated projects stay in: the money was spent.
- stock figures (the ledger's rows, the home page's 重点项目) exclude terminated projects unless asked for.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from zoneops.core.money import YUAN_PER_YI, format_wan
from zoneops.core.periods import PeriodKind, parse_period, period_containing
from zoneops.projects.choices import ReportStatus, Stage, StatsStatus
from zoneops.projects.models import ProgressReport, Project, ProjectRules

# The one rule for which reports count in any figure (完成投资, 本年累计, 累计, the battle map's %).
COUNTED_REPORTS = Q(status=ReportStatus.ACCEPTED)
# Stock totals (how many projects the ledger holds) leave terminated projects out.
TERMINATED = Q(stage=Stage.CANCELLED)


def stock(queryset):
    """Projects that count in stock totals: every project but the terminated (终止) ones."""
    return queryset.exclude(TERMINATED)


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    definition: str  # 口径, shown beside the figure and listed in docs/figures.md
    kind: str  # "event", "plan" or "report"
    amount_label: str = "总投资"

    def condition(self, period, rules):
        """The Q on Project selecting the figure's rows (event and plan figures)."""
        return _CONDITIONS[self.code](period, rules)


def _within(field_name, start, end):
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


def _year(period):
    return date(period.start.year, 1, 1), date(period.start.year, 12, 31)


def _signed(period, rules, at_least=0):
    condition = _within("signed_on", period.start, period.end)
    return condition & Q(total_investment__gte=at_least) if at_least else condition


_CONDITIONS = {
    "new_start": lambda p, r: _within("actual_start", p.start, p.end),
    "completed": lambda p, r: _within("actual_completion", p.start, p.end),
    "operating": lambda p, r: _within("operating_on", p.start, p.end),
    "signed": lambda p, r: _signed(p, r),
    "signed_major": lambda p, r: _signed(p, r, r.signing_major_threshold),
    "signed_huge": lambda p, r: _signed(p, r, r.signing_huge_threshold),
    "included": lambda p, r: Q(stats__status=StatsStatus.INCLUDED) & _within("stats__included_on", p.start, p.end),
    "plan_start": lambda p, r: _within("planned_start", *_year(p)) & ~TERMINATED,
    "continuing": lambda p, r: (Q(actual_start__lt=_year(p)[0])
                                & (Q(actual_completion__isnull=True) | Q(actual_completion__gte=_year(p)[0]))
                                & ~TERMINATED),
    "plan_complete": lambda p, r: _within("planned_completion", *_year(p)) & ~TERMINATED,
}


def _report_window(code, period):
    """The report dates a report figure sums: the period itself, or 1 January to the period's end."""
    start = period.start if code == "invested" else date(period.start.year, 1, 1)
    return start, period.end


def format_yi(yuan):
    """元 → '1,234.56' (亿元, two decimals), as every figure is shown."""
    return f"{(Decimal(yuan) / YUAN_PER_YI).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


_SIGNED = "签约日期在本期内、总投资不低于{}（项目规则，默认{}）的项目。"
FIGURES = (
    Figure("new_start", "新开工", "实际开工日期在本期内的项目，不论现在处于哪个阶段（含此后终止的）。", "event"),
    Figure("completed", "竣工", "实际竣工日期在本期内的项目（含此后终止的）。", "event"),
    Figure("operating", "投产", "投产日期在本期内的项目（含此后终止的）。", "event"),
    Figure("signed", "新签约", "签约日期在本期内的项目；金额按项目总投资计。", "event"),
    Figure("signed_major", "新签约（≥1亿元）", _SIGNED.format("“签约大项目门槛”", "1亿元"), "event"),
    Figure("signed_huge", "新签约（≥10亿元）", _SIGNED.format("“签约重大项目门槛”", "10亿元"), "event"),
    Figure("included", "入库纳统", "入库纳统状态为“已入库”且入库日期在本期内的项目（按入库日期，不按计划季度）。",
           "event"),
    Figure("invested", "完成投资", "本期内各期进度填报中“已审核”的本期完成投资之和；已提交未审核、退回的填报不计。"
           "项目数为有已审核填报的项目。", "report", "完成投资"),
    Figure("invested_ytd", "本年累计完成投资",
           "本期所在年度1月1日至本期末，已审核进度填报的完成投资之和（不含以前年度）。", "report", "完成投资"),
    Figure("plan_start", "计划新开工", "计划开工日期在本年度内的项目（三个一批）；已终止的不计。", "plan"),
    Figure("continuing", "续建", "本年度以前已实际开工、且本年度以前未竣工的项目（三个一批）；已终止的不计。", "plan"),
    Figure("plan_complete", "计划竣工投产", "计划竣工日期在本年度内的项目（三个一批）；已终止的不计。", "plan"),
)
FIGURES_BY_CODE = {figure.code: figure for figure in FIGURES}
REPORT_FIGURES = tuple(figure for figure in FIGURES if figure.kind == "report")
PROJECT_FIGURES = tuple(figure for figure in FIGURES if figure.kind != "report")


# --- Periods ------------------------------------------------------------------------------------

PERIOD_KINDS = (PeriodKind.YEAR, PeriodKind.QUARTER, PeriodKind.MONTH)


def period_from(*, year=None, quarter=None, month=None, key="", today=None):
    """The period a picker (year [+ quarter | + month]) or a key names; the current year by default.

    Raises ValueError (with a Chinese message) for a key or combination that names no period.
    """
    if key:
        period = parse_period(key)
        if period.kind not in PERIOD_KINDS:
            raise ValueError("汇总期间应为年、季度或月。")
        return period
    today = today or timezone.localdate()
    year = int(year) if year else today.year
    if not 1900 <= year <= 2200:
        raise ValueError("年度超出范围。")
    if quarter and month:
        raise ValueError("季度和月份只能选一个。")
    if month:
        return period_containing(PeriodKind.MONTH, date(year, _bounded(month, 12, "月份"), 1))
    if quarter:
        return period_containing(PeriodKind.QUARTER, date(year, 3 * _bounded(quarter, 4, "季度") - 2, 1))
    return period_containing(PeriodKind.YEAR, date(year, 1, 1))


def _bounded(value, top, name):
    value = int(value)
    if not 1 <= value <= top:
        raise ValueError(f"{name}超出范围。")
    return value


# --- Aggregates ---------------------------------------------------------------------------------

@dataclass
class FigureValue:
    count: int = 0
    amount: int = 0  # 元: 总投资 of the projects, or the accepted investment for report figures

    @property
    def amount_yi(self):
        return format_yi(self.amount)


@dataclass
class UnitFigures:
    unit_id: int | None
    name: str
    path: str
    values: dict = field(default_factory=dict)  # code → FigureValue

    def cells(self):
        return [(figure, self.values[figure.code]) for figure in FIGURES]


@dataclass
class FigureTable:
    period: object
    units: list
    total: UnitFigures


def _scoped_projects(user):
    return Project.objects.restrict(user, "project.view")


def figure_table(*, user, period):
    """Every figure by responsible unit and in total, for ``period``: two aggregate queries."""
    rules = ProjectRules.current()
    annotations = {}
    for figure in PROJECT_FIGURES:
        condition = figure.condition(period, rules)
        annotations[f"{figure.code}__n"] = Count("pk", filter=condition)
        annotations[f"{figure.code}__amount"] = Coalesce(Sum("total_investment", filter=condition), 0)
    rows = list(_scoped_projects(user).order_by().values("responsible_unit_id", "responsible_unit__name",
                                                          "responsible_unit__path").annotate(**annotations))
    year_start = date(period.start.year, 1, 1)
    in_period = Q(period_start__gte=period.start)
    report_rows = (ProgressReport.objects.filter(COUNTED_REPORTS).restrict(user, "project.view")
                   .filter(period_start__gte=year_start, period_start__lte=period.end).order_by()
                   .values("project__responsible_unit_id", "project__responsible_unit__name",
                           "project__responsible_unit__path")
                   .annotate(invested__n=Count("project", distinct=True, filter=in_period),
                             invested__amount=Coalesce(Sum("invested", filter=in_period), 0),
                             invested_ytd__n=Count("project", distinct=True),
                             invested_ytd__amount=Coalesce(Sum("invested"), 0)))
    units = {}
    for row in rows:
        unit = units.setdefault(row["responsible_unit_id"], UnitFigures(
            row["responsible_unit_id"], row["responsible_unit__name"], row["responsible_unit__path"]))
        for figure in PROJECT_FIGURES:
            unit.values[figure.code] = FigureValue(row[f"{figure.code}__n"], row[f"{figure.code}__amount"])
    for row in report_rows:
        unit = units.setdefault(row["project__responsible_unit_id"], UnitFigures(
            row["project__responsible_unit_id"], row["project__responsible_unit__name"],
            row["project__responsible_unit__path"]))
        for figure in REPORT_FIGURES:
            unit.values[figure.code] = FigureValue(row[f"{figure.code}__n"], row[f"{figure.code}__amount"])
    for unit in units.values():
        for figure in FIGURES:
            unit.values.setdefault(figure.code, FigureValue())
    shown = sorted((u for u in units.values() if any(v.count or v.amount for v in u.values.values())),
                   key=lambda u: u.path)
    total = UnitFigures(None, "合计", "")
    for figure in FIGURES:
        total.values[figure.code] = FigureValue(
            sum(u.values[figure.code].count for u in shown), sum(u.values[figure.code].amount for u in shown))
    return FigureTable(period=period, units=shown, total=total)


# --- Drill-down ---------------------------------------------------------------------------------

def filter_by_figure(queryset, code, period, unit=None):
    """The projects behind a figure: ``queryset`` (scoped projects) narrowed by the figure's own definition.

    ``period`` is a Period or a key (``2026``, ``2026-Q1``, ``2026-03``); ``unit`` an optional responsible
    unit id (exactly that unit, as the summary's rows are). Report figures annotate ``figure_amount``,
    the accepted investment in the figure's window, which the ledger's footer totals instead of 总投资.
    Raises ValueError for an unknown figure or period.
    """
    figure = FIGURES_BY_CODE.get(code)
    if figure is None:
        raise ValueError(f"未知的统计口径“{code}”。")
    if isinstance(period, str):
        period = period_from(key=period)
    if unit:
        queryset = queryset.filter(responsible_unit_id=unit)
    if figure.kind != "report":
        return queryset.filter(figure.condition(period, ProjectRules.current()))
    start, end = _report_window(code, period)
    reports = ProgressReport.objects.filter(COUNTED_REPORTS, period_start__gte=start, period_start__lte=end)
    amount = (reports.filter(project=OuterRef("pk")).order_by().values("project")
              .annotate(total=Sum("invested")).values("total"))
    return (queryset.filter(pk__in=reports.values("project"))
            .annotate(figure_amount=Coalesce(Subquery(amount, output_field=IntegerField()), Value(0))))


def ledger_rows(queryset, *, stage="", figure="", period="", unit=None):
    """The ledger's rows: a figure's drill-down, else the stock (terminated left out unless 终止 is asked for)."""
    if figure:
        return filter_by_figure(queryset, figure, period, unit)
    return queryset if stage else stock(queryset)


def ledger_rows_for(queryset, params, *, stage=""):
    """:func:`ledger_rows` from request parameters ``figure``, ``period`` and ``figure_unit``.

    Returns (rows, the Figure or None, an error message or ""); a bad figure or period gives no rows.
    """
    code = params.get("figure", "")
    try:
        unit = int(params["figure_unit"]) if params.get("figure_unit") else None
        rows = ledger_rows(queryset, stage=stage, figure=code, period=params.get("period", ""), unit=unit)
    except ValueError as error:
        return queryset.none(), None, str(error)
    return rows, FIGURES_BY_CODE.get(code), ""


def ledger_footer(queryset):
    """Count and total (元) of the ledger's rows, one aggregate: 总投资, or the figure's amount on a drill-down."""
    column = "figure_amount" if "figure_amount" in queryset.query.annotations else "total_investment"
    totals = queryset.order_by().aggregate(count=Count("pk"), amount=Coalesce(Sum(column), 0))
    totals["label"] = "完成投资" if column == "figure_amount" else "总投资"
    totals["amount_wan"] = format_wan(totals["amount"])  # as the ledger's columns
    return totals
