"""The enterprise list's filter, shared by the page, its Excel export and the API."""

import django_filters
from django import forms
from django.db.models import Q

from zoneops.core.errors import ValidationError
from zoneops.core.industry import codes_under
from zoneops.enterprises import selectors
from zoneops.enterprises.choices import Flag
from zoneops.enterprises.models import FormerName
from zoneops.enterprises.names import name_key


class EnterpriseFilterForm(forms.Form):
    def clean_region(self):
        code = (self.cleaned_data.get("region") or "").strip()
        if code and not code.isdigit():
            raise forms.ValidationError("行政区划代码为数字（如 61、6105、610502）。")
        return code

    def clean_industry(self):
        code = (self.cleaned_data.get("industry") or "").strip().upper()
        if code and not (code.isdigit() or (len(code) == 1 and code.isalpha())):
            raise forms.ValidationError("行业代码为门类字母（如 C）或数字代码（如 36、361）。")
        return code


class EnterpriseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键字", max_length=50, method="filter_q",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "名称/曾用名/信用代码/拼音首字母"}))
    region = django_filters.CharFilter(label="总部地区代码", max_length=6, method="filter_region",
                                       widget=forms.TextInput(attrs={"placeholder": "如 61 或 6105"}))
    industry = django_filters.CharFilter(label="行业代码", max_length=4, method="filter_industry",
                                         widget=forms.TextInput(attrs={"placeholder": "如 C 或 36"}))
    flag = django_filters.ChoiceFilter(label="企业标签", choices=Flag.choices, method="filter_flag",
                                       empty_label="全部")

    class Meta:
        form = EnterpriseFilterForm

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        key = name_key(value)
        condition = Q(name__contains=value) | Q(uscc=value.upper())
        if key:
            condition |= Q(name_key__contains=key)
            condition |= Q(pk__in=FormerName.objects.filter(name_key__contains=key).values("enterprise_id"))
        if value.isascii() and value.isalpha():
            condition |= Q(initials__startswith=value.lower())
        return queryset.filter(condition)

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__code__startswith=value.strip())

    def filter_industry(self, queryset, name, value):
        code = value.strip().upper()
        return queryset.filter(industry_id__in=codes_under(code))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(flags__contains=f",{value},")


def enterprise_filterset(data, *, user):
    return EnterpriseFilterSet(data or None, queryset=selectors.enterprise_queryset(user=user))


def filtered_or_invalid(filterset):
    """The filtered queryset, or a ValidationError (422 in the API) with the form's errors."""
    if filterset.is_bound and not filterset.is_valid():
        raise ValidationError({name: list(messages) for name, messages in filterset.errors.items()})
    return filterset.qs
