from django import forms

from zoneops.org.models import Unit
from zoneops.problems.choices import Status
from zoneops.problems.models import ProblemCategory
from zoneops.problems.selectors import assignable_units


class ProblemForm(forms.Form):
    title = forms.CharField(label="问题标题", max_length=200)
    category = forms.ModelChoiceField(label="分类", queryset=ProblemCategory.objects.filter(is_active=True))
    description = forms.CharField(label="问题描述", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    raising_unit = forms.ModelChoiceField(label="提出单位", queryset=Unit.objects.none())
    responsible_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    co_units = forms.ModelMultipleChoiceField(label="配合单位", queryset=Unit.objects.none(), required=False)
    workdays = forms.IntegerField(label="办理时限（工作日）", min_value=1, max_value=365, required=False,
                                  help_text="留空按分类默认时限。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raising_unit"].queryset = Unit.objects.restrict(user, "problem.raise").filter(is_active=True)
        units = assignable_units(user)
        self.fields["responsible_unit"].queryset = units
        self.fields["co_units"].queryset = units
        if user.unit_id and not self.is_bound:
            self.initial.setdefault("raising_unit", user.unit_id)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label="操作", choices=Status.choices)
    reason = forms.CharField(label="原因/说明", max_length=500, required=False)
    review_on = forms.DateField(label="挂账复核日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    rating = forms.IntegerField(label="满意度（1–5）", min_value=1, max_value=5, required=False)
    comment = forms.CharField(label="评价意见", max_length=500, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label="办理进展", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CategoryForm(forms.ModelForm):
    class Meta:
        model = ProblemCategory
        fields = ["name", "default_workdays", "sort_order", "is_active"]
