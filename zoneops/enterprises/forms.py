from django import forms

from zoneops.core.forms import VersionedFormMixin
from zoneops.core.models import IndustryCode, Region
from zoneops.enterprises.choices import Flag
from zoneops.enterprises.models import clean_uscc


def _code_of(model, value, message):
    code = (value or "").strip().upper()
    if not code:
        return None
    row = model.objects.filter(pk=code).first()
    if row is None:
        raise forms.ValidationError(message)
    return row


class EnterpriseForm(VersionedFormMixin, forms.Form):
    """登记/修改企业. Contacts are one per line, “姓名,职务,电话”; the field is left out for people who may
    not read the phones (they would otherwise save masked numbers over the real ones)."""

    name = forms.CharField(label="企业名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, required=False,
                           help_text="18位；境外投资者可不填（须勾选“外资”）。")
    unit = forms.ModelChoiceField(label="登记单位", queryset=None)
    region = forms.CharField(label="总部所在地（行政区划代码）", max_length=6, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "如 110000 或 610502"}))
    industry = forms.CharField(label="所属行业（国民经济行业代码）", max_length=4, required=False,
                               widget=forms.TextInput(attrs={"placeholder": "如 C 或 3612"}))
    flags = forms.MultipleChoiceField(label="企业标签", choices=Flag.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)
    address = forms.CharField(label="地址", max_length=200, required=False)
    former_names = forms.CharField(label="曾用名（每行一个）", max_length=4000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    contacts = forms.CharField(label="联系人（每行一个：姓名,职务,电话）", max_length=4000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label="备注", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_similar = forms.BooleanField(label="确认不是同一企业（名称相近时）", required=False)

    def __init__(self, *args, units, with_contacts=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if not with_contacts:
            del self.fields["contacts"]

    def clean_uscc(self):
        return clean_uscc(self.cleaned_data.get("uscc"))

    def clean_region(self):
        return _code_of(Region, self.cleaned_data.get("region"), "未知的行政区划代码。")

    def clean_industry(self):
        return _code_of(IndustryCode, self.cleaned_data.get("industry"), "未知的国民经济行业代码。")

    def clean_former_names(self):
        return [line.strip() for line in (self.cleaned_data.get("former_names") or "").splitlines() if line.strip()]

    def clean_contacts(self):
        rows = []
        for line in (self.cleaned_data.get("contacts") or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.replace("，", ",").split(",")]
            parts += [""] * (3 - len(parts))
            if len(parts) > 3:
                raise forms.ValidationError(f"“{line}”应为“姓名,职务,电话”。")
            rows.append({"name": parts[0], "title": parts[1], "phone": parts[2]})
        return rows


def initial_for(enterprise, *, with_contacts):
    initial = {"name": enterprise.name, "uscc": enterprise.uscc, "unit": enterprise.unit_id,
               "region": enterprise.region_id or "", "industry": enterprise.industry_id or "",
               "flags": enterprise.flag_list, "address": enterprise.address, "note": enterprise.note,
               "former_names": "\n".join(former.name for former in enterprise.former_names.all())}
    if with_contacts:
        initial["contacts"] = "\n".join(f"{c.name},{c.title},{c.phone}" for c in enterprise.contacts.all())
    return initial
