"""The project summary (项目汇总): period figures by unit with a period picker, their Excel export, and the
stock by stage. Every number comes from projects/figures.py and links to the ledger rows behind it."""

from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from zoneops.audit.context import Actor
from zoneops.audit.services import audit_record
from zoneops.core.export import xlsx_response
from zoneops.core.forms import bootstrap
from zoneops.core.money import YUAN_PER_YI, money_context
from zoneops.org.scope import require_permission
from zoneops.projects import figures, selectors
from zoneops.projects.choices import Stage


class PeriodForm(forms.Form):
    """年 / 季 / 月: a year alone, or a year with a quarter or a month."""

    year = forms.IntegerField(label="年度", min_value=1900, max_value=2200, required=False)
    quarter = forms.TypedChoiceField(label="季度", coerce=int, required=False, empty_value=None,
                                     choices=[("", "全年")] + [(q, f"第{q}季度") for q in range(1, 5)])
    month = forms.TypedChoiceField(label="月份", coerce=int, required=False, empty_value=None,
                                   choices=[("", "—")] + [(m, f"{m}月") for m in range(1, 13)])

    def clean(self):
        data = super().clean()
        try:
            data["period"] = figures.period_from(year=data.get("year"), quarter=data.get("quarter"),
                                                 month=data.get("month"))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return data


def period_of(request):
    """The picked period (the current year by default) and the bound picker form."""
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    form = bootstrap(PeriodForm(data))
    period = form.cleaned_data["period"] if form.is_valid() else figures.period_from()
    return period, form


@login_required
def summary(request):
    require_permission(request.user, "project.view")
    period, form = period_of(request)
    table = figures.figure_table(user=request.user, period=period)
    if request.GET.get("export") == "xlsx":
        return _export(request, table)
    return render(request, "projects/summary.html", {
        "title": f"项目汇总：{period.label}", "form": form, "period": period, "table": table,
        "figure_list": figures.FIGURES, **_stages(request.user), **money_context(request, default="yi")})


def _stages(user):
    """Today's stock by unit and stage; terminated projects are shown apart and left out of the totals."""
    stages = [stage for stage in Stage if stage != Stage.CANCELLED]
    table, totals, cancelled = {}, {stage.value: 0 for stage in stages}, 0
    investment_total = 0
    for row in selectors.ledger_summary(user=user):
        entry = table.setdefault(row["responsible_unit__name"],
                                 {"counts": {}, "investment": 0, "count": 0, "cancelled": 0})
        if row["stage"] == Stage.CANCELLED:
            entry["cancelled"] += row["count"]
            cancelled += row["count"]
            continue
        entry["counts"][row["stage"]] = row["count"]
        entry["investment"] += row["total_investment"] or 0
        entry["count"] += row["count"]
        totals[row["stage"]] += row["count"]
        investment_total += row["total_investment"] or 0
    units = [{"name": name, "cells": [entry["counts"].get(s.value, 0) for s in stages], "count": entry["count"],
              "cancelled": entry["cancelled"], "investment": entry["investment"]}
             for name, entry in table.items()]
    return {"stages": stages, "units": units, "totals": [totals[s.value] for s in stages],
            "grand_count": sum(totals.values()), "grand_cancelled": cancelled,
            "grand_investment": investment_total}  # 元: the page shows them in its unit (?money=)


def export_rows(table):
    """The summary as sheet rows: unit, then per figure its count and its amount in 亿元 (exact Decimal)."""
    def line(unit):
        cells = [unit.name]
        for _figure, value in unit.cells():
            cells += [value.count, Decimal(value.amount) / YUAN_PER_YI]
        return cells

    return [line(unit) for unit in table.units], [line(table.total)]


def _export(request, table):
    rows, footer = export_rows(table)
    audit_record(Actor.from_request(request), "export", ("projects.project", "", "项目汇总"),
                 detail=f"导出项目汇总{table.period.key}")
    groups, headers, merges = ["责任单位"], ["责任单位"], ["A2:A3"]
    for index, figure in enumerate(figures.FIGURES):
        groups += [figure.label, None]
        headers += ["个数", f"{figure.amount_label}（亿元）"]
        first = 2 + 2 * index
        merges.append(f"{_column(first)}2:{_column(first + 1)}2")
    formats = {2 + 2 * index: "#,##0.00" for index in range(len(figures.FIGURES))}
    return xlsx_response(filename=f"项目汇总-{table.period.key}.xlsx", title=f"项目汇总（{table.period.label}）",
                         header_rows=[groups, headers], rows=rows, footer_rows=footer, merges=merges,
                         column_formats=formats, column_widths=[16] + [10] * 2 * len(figures.FIGURES), freeze="B4")


def _column(number):
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)
