"""The filters of the project module's lists, one FilterSet per list (django-filter).

:class:`ProjectFilterSet` is the project ledger's (项目库) filter. The ledger page, its Excel export, the
battle map (挂图作战) page and its A3 PDF, and the API's project list and battle map all narrow their
scoped queryset through it, so a filter means the same everywhere and an export holds exactly the
rows of the page it was asked from. Pages leave out a value that does not clean (the form shows the
error); the API answers 422 with the form's errors (:func:`filtered_or_invalid`).
"""

import django_filters
from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy

from zoneops.core.errors import ValidationError
from zoneops.core.industry import codes_under
from zoneops.core.models import IndustryCode
from zoneops.core.widgets import PickerSelect
from zoneops.org.selectors import unit_list
from zoneops.projects import figures, lights, selectors
from zoneops.projects.choices import LEVEL_FIELDS_BY_CODE, Level, Light, ReportStatus, Stage
from zoneops.projects.forms import ProjectFilterForm
from zoneops.projects.forms_battle_map import BattleMapFilterForm
from zoneops.projects.models import ProgressReport, Project


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by their depth in the tree (the list is ordered by path)."""

    def label_from_instance(self, obj):
        return "\u3000" * obj.depth + obj.name


class UnitFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


LEADERS = format_lazy("{}?led=1", reverse_lazy("projects:pick_people"))


def industry_labels(codes):
    return [(code.code, f"{code.code} {code.name}") for code in IndustryCode.objects.filter(code__in=codes)]


class ProjectFilterSet(django_filters.FilterSet):
    """项目库筛选: ``ProjectFilterSet(data, queryset=selectors.project_queryset(user=...), user=...)``.

    The queryset must carry ``project_queryset``'s annotations: the light filter reads them.
    """

    q = django_filters.CharFilter(
        label="关键字", max_length=50, method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "项目名称/业主/项目代码"}))
    stage = django_filters.ChoiceFilter(label="阶段", choices=Stage.choices, empty_label="全部")
    # Searchable pickers (core/widgets.py): a province has hundreds of units; only the chosen one is rendered.
    unit = UnitFilter(label="责任单位（含下级）", queryset=None, method="filter_unit", empty_label="全部",
                      widget=PickerSelect(reverse_lazy("projects:pick_units")))
    level = django_filters.ChoiceFilter(label="级别", choices=Level.choices, method="filter_level",
                                        empty_label="全部")
    industry = django_filters.CharFilter(label="行业", max_length=4, method="filter_industry",
                                         widget=PickerSelect(reverse_lazy("projects:pick_industries"),
                                                             labels=industry_labels, empty_label="全部"))
    leader = django_filters.ModelChoiceFilter(label="包联领导", queryset=None, empty_label="全部",
                                              widget=PickerSelect(LEADERS))
    # Last: lights are derived per row, so this narrows what the other filters left.
    light = django_filters.ChoiceFilter(label="状态灯", choices=Light.choices, method="filter_light",
                                        empty_label="全部")
    # A summary figure's drill-down (figures.py): the figure's own definition narrows the rows, so the
    # ledger shows exactly the projects a figure counted; it survives changing the other filters.
    figure = django_filters.CharFilter(label="统计口径", max_length=20, method="filter_drill_down",
                                       widget=forms.HiddenInput)
    period = django_filters.CharFilter(label="期间", max_length=12, method="filter_drill_down",
                                       widget=forms.HiddenInput)
    figure_unit = django_filters.NumberFilter(label="口径单位", method="filter_drill_down", widget=forms.HiddenInput)

    DRILL_DOWN = ("figure", "period", "figure_unit")

    class Meta:
        model = Project
        fields = []
        form = ProjectFilterForm

    def __init__(self, data=None, queryset=None, *, user, today=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.today = today or timezone.localdate()  # the day the lights are judged on (project_queryset's)
        self.figure, self.figure_error = None, ""  # set by filter_queryset on a drill-down
        self.filters["unit"].queryset = unit_list(user=user, action="project.view").order_by("path")
        self.filters["leader"].queryset = selectors.project_leaders(user=user)

    def filter_queryset(self, queryset):
        """The filters in order, the drill-down (or the stock rule: 终止 only when asked for) before the
        light, which is computed per row over what is left."""
        data = self.form.cleaned_data
        for name, flt in self.filters.items():
            if name not in self.DRILL_DOWN and name != "light" and name in data:
                queryset = flt.filter(queryset, data[name])
        queryset, self.figure, self.figure_error = figures.ledger_rows_for(
            queryset, {name: data.get(name) for name in self.DRILL_DOWN}, stage=data.get("stage") or "")
        return self.filters["light"].filter(queryset, data.get("light"))

    def filter_drill_down(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(name__contains=value) | Q(enterprise__contains=value) | Q(code=value))

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(responsible_unit__path__startswith=unit.path)

    def filter_level(self, queryset, name, level):
        return queryset.filter(**{LEVEL_FIELDS_BY_CODE[level]: True})

    def filter_industry(self, queryset, name, code):
        return queryset.filter(industry_id__in=codes_under(code))

    def filter_light(self, queryset, name, light):
        """Lights in SQL (lights.with_light: the rules of selectors.status_light as one annotation)."""
        return lights.with_light(queryset, self.today, select=False).filter(light=light)

    def _cleaned(self):
        """The values that cleaned (a wrong one is left out, as the queryset leaves it out)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    def describe(self):
        """The applied filters in words, for sheet subtitles and audit rows."""
        data = self._cleaned()
        parts = []
        for name, flt in self.filters.items():
            value = data.get(name)
            if value in (None, ""):
                continue
            if name == "figure":
                value = getattr(figures.FIGURES_BY_CODE.get(value), "label", value)
            elif hasattr(flt, "extra") and "choices" in flt.extra:
                value = dict(flt.extra["choices"]).get(value, value)
            parts.append(f"{flt.label}：{value}")
        return "；".join(parts)


class BattleMapFilterSet(ProjectFilterSet):
    """The ledger's filters plus the chart's month window (``from``/``to``, which filter no rows)."""

    class Meta(ProjectFilterSet.Meta):
        form = BattleMapFilterForm

    def months(self):
        data = self._cleaned()
        return data.get("from"), data.get("to")


def project_filterset(data, *, user, today=None, filterset_class=ProjectFilterSet):
    """The ledger's FilterSet over the user's scoped projects (with their derived figures)."""
    # Always bound (an empty query too), so the stock rule and the drill-down run for every request.
    return filterset_class(data or {}, queryset=selectors.project_queryset(user=user, today=today), user=user,
                           today=today)


def filtered_or_invalid(filterset):
    """The filtered queryset, or a ValidationError (422 in the API) carrying the form's errors or the
    drill-down's (an unknown figure or period)."""
    if filterset.is_bound and not filterset.is_valid():
        raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
    queryset = filterset.qs
    if filterset.figure_error:
        raise ValidationError({"figure": [filterset.figure_error]})
    return queryset


class ReportFilterSet(django_filters.FilterSet):
    """进度填报列表筛选 (the report list page)."""

    period = django_filters.CharFilter(label="期间", field_name="period_key", max_length=12,
                                       widget=forms.TextInput(attrs={"placeholder": "期间，如 2026-11"}))
    status = django_filters.ChoiceFilter(label="状态", choices=ReportStatus.choices, empty_label="全部")
    late = django_filters.BooleanFilter(label="逾期", field_name="is_late",
                                        widget=forms.Select(choices=[("", "全部"), ("true", "逾期"),
                                                                     ("false", "按时")]))

    class Meta:
        model = ProgressReport
        fields = []
