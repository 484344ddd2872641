from django import forms

from zoneops.org.models import Person, Role, Scope, Unit, UnitKind
from zoneops.org.permissions import permission_choices


class UnitFilterForm(forms.Form):
    q = forms.CharField(label="关键字", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "名称/代码"}))
    kind = forms.ChoiceField(label="类型", required=False, choices=[("", "全部")] + UnitKind.choices)


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["code", "name", "short_name", "kind", "sort_order", "is_active"]


class UnitMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label="新的上级单位", queryset=Unit.objects.none())

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="关键字", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "姓名/登录名/手机"}))
    unit = forms.ModelChoiceField(label="单位（含下级）", required=False, queryset=Unit.objects.none())

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["username", "name", "unit", "title", "phone", "email"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if self.instance.pk:
            self.fields["username"].disabled = True
            self.fields["is_active"] = forms.BooleanField(label="启用", required=False,
                                                          initial=self.instance.is_active)


class InitialPasswordForm(forms.Form):
    password = forms.CharField(label="初始密码", required=False, max_length=128, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text="留空则该人员暂不能登录；设置后首次登录须修改密码。")


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes under one heading per group: the role editor's permissions, grouped by app."""

    template_name = "org/widgets/grouped_checkboxes.html"


class RoleForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(label="权限", choices=permission_choices, required=False,
                                            widget=GroupedCheckboxes,
                                            help_text="管理员角色只能拥有本职责的权限和查看单位、查看人员。")

    class Meta:
        model = Role
        fields = ["code", "name", "duty", "permissions", "description"]


class GrantForm(forms.Form):
    person = forms.ModelChoiceField(label="人员", queryset=Person.objects.none())
    role = forms.ModelChoiceField(label="角色", queryset=Role.objects.all())
    scope = forms.ChoiceField(label="数据范围", choices=Scope.choices)
    unit = forms.ModelChoiceField(label="范围单位", required=False, queryset=Unit.objects.none(),
                                  help_text="本单位/本单位及下级的锚点单位；留空为该人员所在单位。")
    custom_units = forms.ModelMultipleChoiceField(label="自定义单位", required=False, queryset=Unit.objects.none(),
                                                  help_text="数据范围为“自定义”时选择。")

    def __init__(self, *args, people, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["unit"].queryset = units
        self.fields["custom_units"].queryset = units

