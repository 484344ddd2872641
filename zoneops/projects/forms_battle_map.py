"""The battle map's filter form (挂图作战图筛选): the ledger's filters and which months."""

import re
from datetime import date

from django import forms

from zoneops.projects.forms import ProjectFilterForm
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


class BattleMapFilterForm(ProjectFilterForm):
    """The ledger's filters (ProjectFilterSet builds them on this form) and the chart's months."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a keyword in Python, so the month fields are added by name.
        self.fields["from"] = MonthField(label="起始月份", required=False)
        self.fields["to"] = MonthField(label="截止月份", required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end:
            if end < start:
                self.add_error("to", "截止月份不能早于起始月份。")
            elif months_between(start, end) > MAX_MONTHS:
                self.add_error("to", f"时间范围不能超过{MAX_MONTHS}个月。")
        return data
