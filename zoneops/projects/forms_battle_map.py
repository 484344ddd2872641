"""The battle map's filter form (挂图作战图筛选): who, which list, which stage, which months."""

import re
from datetime import date

from django import forms

from zoneops.projects.choices import Level, Stage
from zoneops.projects.gantt import MAX_MONTHS, months_between

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (what <input type="month"> sends), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = MONTH.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise forms.ValidationError("请按 YYYY-MM 填写月份，如 2026-01。")
        return date(int(match[1]), int(match[2]), 1)


class BattleMapFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label="责任单位（含下级）", required=False, queryset=None, empty_label="全部")
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部"), *Level.choices])
    stage = forms.ChoiceField(label="阶段", required=False, choices=[("", "全部"), *Stage.choices])
    industry = forms.CharField(label="行业代码", required=False, max_length=4,
                               widget=forms.TextInput(attrs={"placeholder": "如 C 或 36"}))
    leader = forms.ModelChoiceField(label="包联领导", required=False, queryset=None, empty_label="全部")

    def __init__(self, *args, units, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda unit: "\u3000" * unit.depth + unit.name
        self.fields["leader"].queryset = leaders
        # "from" is a keyword in Python, so the month fields are added by name.
        self.fields["from"] = MonthField(label="起始月份", required=False)
        self.fields["to"] = MonthField(label="截止月份", required=False)

    def clean_industry(self):
        code = self.cleaned_data["industry"].strip().upper()
        if code and not (code.isdigit() or (len(code) == 1 and code.isalpha())):
            raise forms.ValidationError("行业代码为门类字母（如 C）或数字代码（如 36、361）。")
        return code

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end:
            if end < start:
                self.add_error("to", "截止月份不能早于起始月份。")
            elif months_between(start, end) > MAX_MONTHS:
                self.add_error("to", f"时间范围不能超过{MAX_MONTHS}个月。")
        return data

    def filter_values(self):
        """The valid values; a wrong field is left out (and shown as an error), the page still shows."""
        data = {}
        if self.is_bound:
            self.is_valid()  # leaves the fields that did clean in cleaned_data
            data = self.cleaned_data
        return {
            "unit": data.get("unit"), "leader": data.get("leader"),
            "level": data.get("level") or "", "stage": data.get("stage") or "", "industry": data.get("industry") or "",
            "from": data.get("from"), "to": data.get("to"),
        }
