"""企业库: one registry of enterprises (investors now, local enterprises later), their former names and
contacts. Scoped by the registering unit; duplicates are found through the stored ``name_key``."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from zoneops.core.models import TimeStampedModel, VersionedModel
from zoneops.enterprises.choices import FLAG_LABELS
from zoneops.enterprises.names import name_initials, name_key
from zoneops.org.scope import ScopedManager


def clean_uscc(value):
    """统一社会信用代码 upper-cased and without spaces; a wrong length, character or check digit
    (GB 32100-2015) is a ValidationError. "" stays ""."""
    code = (value or "").strip().upper().replace(" ", "")
    if not code:
        return ""
    try:
        return uscc.validate(code)
    except StdnumError:
        raise ValidationError("统一社会信用代码无效：应为18位，且校验位正确（GB 32100）。") from None


def validate_uscc(value):
    clean_uscc(value)


class Enterprise(VersionedModel):
    scope_unit_fields = ("unit",)
    scope_owner_fields = ("created_by",)

    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, validators=[validate_uscc],
                            help_text="境外投资者可不填。")
    name = models.CharField("企业名称", max_length=200)
    name_key = models.CharField("名称比对键", max_length=200, db_index=True, editable=False)
    initials = models.CharField("拼音首字母", max_length=100, blank=True, db_index=True, editable=False)
    region = models.ForeignKey("core.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="总部所在地")
    industry = models.ForeignKey("core.IndustryCode", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="所属行业")
    flags = models.CharField("企业标签", max_length=300, blank=True, default="",
                             help_text="形如 ,listed,soe, ；用 flag_list 读写。")
    address = models.CharField("地址", max_length=200, blank=True)
    note = models.TextField("备注", max_length=2000, blank=True)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="登记单位")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="登记人")

    objects = ScopedManager()

    class Meta:
        verbose_name = "企业"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["uscc"], condition=~Q(uscc=""), name="enterprise_uscc_unique"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enterprises:detail", args=[self.pk])

    @property
    def flag_list(self):
        return [code for code in self.flags.split(",") if code]

    @flag_list.setter
    def flag_list(self, codes):
        ordered = [code for code in FLAG_LABELS if code in set(codes)]
        self.flags = f",{','.join(ordered)}," if ordered else ""

    @property
    def flag_labels(self):
        return [FLAG_LABELS[code] for code in self.flag_list if code in FLAG_LABELS]

    def refresh_keys(self):
        self.name_key = name_key(self.name)
        self.initials = name_initials(self.name)

    def clean(self):
        super().clean()
        if "\x00" in self.name:
            raise ValidationError({"name": "企业名称含有非法字符。"})
        if not self.name_key:
            raise ValidationError({"name": "请填写企业名称。"})


class FormerName(TimeStampedModel):
    """曾用名: searched and compared like the current name."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="former_names")
    name = models.CharField("曾用名", max_length=200)
    name_key = models.CharField("名称比对键", max_length=200, db_index=True, editable=False)

    class Meta:
        verbose_name = "曾用名"
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Contact(TimeStampedModel):
    """企业联系人. The phone is shown only to people holding enterprise.contact over the enterprise."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)

    class Meta:
        verbose_name = "企业联系人"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} {self.title}".strip()
