"""What the intake remembers per unit: import templates (a confirmed column mapping) and unit aliases
(高新园 → 高新技术产业园). Both are scoped by the unit that owns them (the importer's unit)."""

from django.conf import settings
from django.db import models

from zoneops.org.scope import ScopedManager


class IntakeTemplate(models.Model):
    scope_unit_fields = ("unit",)

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="所属单位")
    kind = models.CharField("表格类型", max_length=20)  # a catalogue's kind, e.g. "projects"
    name = models.CharField("模板名称", max_length=100)
    columns = models.JSONField("列映射", default=dict)  # {flattened header: field key}
    money_unit = models.CharField("金额单位", max_length=4, default="万元")
    header_signature = models.CharField("表头特征", max_length=16, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="创建人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = "导入模板"
        verbose_name_plural = verbose_name
        ordering = ["-updated_at", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "name"], name="exchange_template_unique_name")]

    def __str__(self):
        return self.name


class UnitAlias(models.Model):
    """A name a unit's sheets use for another unit, confirmed once by someone of that unit."""

    scope_unit_fields = ("unit",)

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="所属单位")
    alias = models.CharField("表格中的写法", max_length=100)
    target = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+", verbose_name="对应单位")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="创建人")

    objects = ScopedManager()

    class Meta:
        verbose_name = "单位简称"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["unit", "alias"], name="exchange_alias_unique")]

    def __str__(self):
        return f"{self.alias} → {self.target}"
