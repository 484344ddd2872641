"""The status light (状态灯) in SQL: ``selectors.status_light`` as one annotation, so the ledger filters,
sorts and counts by light in the database (docs/benchmarks.md: 1.8 s in Python at 20,000 projects).

Each rule of ``status_light`` becomes a condition on the row and on constants worked out here in Python
for ``today`` and each rules row (``ProjectRules.book().partition`` splits the units by the rules that
govern them, as ``stats_candidates`` does):

- 逾期节点: ``black_flags`` (the annotation of ``project_queryset``) ≥ the threshold.
- 缺报: at least *k* periods missing ⇔ the period *k − 1* before the last period whose fill-in window
  has closed (call it P) is not before the first missing one, i.e. the project started and reports from
  on or before P's end, and its latest report ends before P's end. The rules' listing cap still bounds
  the count (``missing_reports_listed`` below *k* never reaches *k*).
- 投资滞后: lag ≥ t ⇔ 200·(d·plan − invested·D) ≥ (2t − 1)·D·plan in integers, with d the days since
  the plan began and D the days left of the year at its beginning (``selectors.investment_lag_percent``
  rounds half up in the same integers, so the two agree exactly).

``tests/test_lights.py`` checks that this annotation equals ``status_light`` for every project of a
crafted set.
"""

from datetime import date, timedelta

from django.db.models import Case, CharField, F, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, Greatest

from zoneops.core.periods import period_containing, window_closes
from zoneops.projects.choices import REPORTING_STAGES, UNJUDGED_STAGES, Light
from zoneops.projects.models import ProjectRules

NEVER = Q(pk__in=[])
LIGHT_ORDER = {Light.RED: 0, Light.YELLOW: 1, Light.GREEN: 2}


def last_closed_period(rules, today):
    """The latest period whose fill-in window closed before ``today``."""
    period = period_containing(rules.report_frequency, today)
    while window_closes(period, rules.report_window_days) >= today:
        period = period.previous()
    return period


def _missing_at_least(rules, k, today):
    if k <= 0:
        return Q()
    if rules.missing_reports_listed < k:
        return NEVER
    period = last_closed_period(rules, today)
    for _ in range(k - 1):
        period = period.previous()
    return (Q(stage__in=REPORTING_STAGES, actual_start__isnull=False, actual_start__lte=period.end,
              reporting_from__lte=period.end)
            & (Q(last_report_end__isnull=True) | Q(last_report_end__lt=period.end)))


def _lag_judged(rules, today):
    """``investment_lag_percent`` is not None: a plan, a reporting stage, past the grace days."""
    latest_begin = today - timedelta(days=rules.investment_lag_grace_days)
    if date(today.year, 1, 1) > latest_begin:
        return NEVER
    return (Q(stage__in=REPORTING_STAGES, year_plan_investment__gt=0)
            & (Q(actual_start__isnull=True) | Q(actual_start__lte=latest_begin)))


def _lag_at_least(rules, t, today):
    judged = _lag_judged(rules, today)
    if t <= 0 or judged is NEVER:
        return judged
    return judged & Q(lag_numerator__gte=F("lag_denominator") * (2 * t - 1))


def _overdue_at_least(n):
    return Q(black_flags__gte=n)


def _day_of_year_of_begin(today):
    """Days from 1 January to the plan's beginning: 0, or the actual start's day of this year."""
    jan1 = date(today.year, 1, 1)
    offsets = [When(Q(actual_start__month=month), then=Value((date(today.year, month, 1) - jan1).days))
               for month in range(1, 13)]
    started_this_year = (Case(*offsets, default=Value(0), output_field=IntegerField())
                         + ExtractDay("actual_start") - 1)
    return Case(When(Q(actual_start__isnull=True) | Q(actual_start__lt=jan1), then=Value(0)),
                default=started_this_year, output_field=IntegerField())


def with_light(queryset, today, *, select=True):
    """``queryset`` (``project_queryset``'s, with its annotations) annotated with ``light`` (a
    :class:`Light` value) and ``light_order`` (red 0, yellow 1, green 2) for sorting. Annotates once
    (a queryset that has them already is returned as it is). ``select=False`` only aliases them, for
    a filter: the rows are not sent with their light (nor is it computed twice per row)."""
    if "light_order" in queryset.query.annotations:
        return queryset
    jan1 = date(today.year, 1, 1)
    today_doy = (today - jan1).days
    year_end_doy = (date(today.year, 12, 31) - jan1).days
    add = "annotate" if select else "alias"
    queryset = getattr(queryset, add)(
        lag_begin_doy=_day_of_year_of_begin(today),
        lag_elapsed=Value(today_doy) - F("lag_begin_doy"),
        lag_denominator=Greatest(Value(year_end_doy) - F("lag_begin_doy"), Value(1)) * F("year_plan_investment"),
        lag_numerator=(F("lag_elapsed") * F("year_plan_investment")
                       - F("invested_year") * Greatest(Value(year_end_doy) - F("lag_begin_doy"), Value(1))) * 200,
    )
    red, yellow = NEVER, NEVER
    for rules, governed in ProjectRules.book().partition("responsible_unit__path"):
        red |= governed & (_overdue_at_least(rules.red_overdue_milestones)
                           | _missing_at_least(rules, rules.red_missing_reports, today)
                           | _lag_at_least(rules, rules.red_investment_lag_percent, today))
        yellow |= governed & (_overdue_at_least(rules.yellow_overdue_milestones)
                              | _missing_at_least(rules, rules.yellow_missing_reports, today)
                              | _lag_at_least(rules, rules.yellow_investment_lag_percent, today))
    light = Case(When(stage__in=UNJUDGED_STAGES, then=Value(Light.GREEN.value)),
                 When(red, then=Value(Light.RED.value)),
                 When(yellow, then=Value(Light.YELLOW.value)),
                 default=Value(Light.GREEN.value), output_field=CharField())
    order = Case(*(When(light=value, then=Value(rank)) for value, rank in LIGHT_ORDER.items()),
                 output_field=IntegerField())
    queryset = getattr(queryset, add)(light=light)
    return getattr(queryset, add)(light_order=order)


def red_lights_by_unit(queryset, today):
    """``[{"responsible_unit", "responsible_unit__name", "red"}]``: red lights per responsible unit, one
    aggregate query over ``queryset`` (``project_queryset``'s)."""
    from django.db.models import Count

    return list(with_light(queryset, today).order_by()
                .values("responsible_unit", "responsible_unit__name", "responsible_unit__path")
                .annotate(red=Count("pk", filter=Q(light=Light.RED.value)))
                .order_by("responsible_unit__path"))


def missing_last_period(queryset, today):
    """``queryset`` (``project_queryset``'s) narrowed to projects whose latest closed reporting period has
    no report (缺报), each under its own unit's rules; the condition is the lights' own (one query)."""
    condition = NEVER
    for rules, governed in ProjectRules.book().partition("responsible_unit__path"):
        condition |= governed & _missing_at_least(rules, 1, today)
    return queryset.filter(condition)
