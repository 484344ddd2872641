"""Units (单位) in one tree, people (人员), roles (角色) and grants (授权)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse

from zoneops.core.models import VersionedModel
from zoneops.org.permissions import Duty, permissions_not_allowed, registry
from zoneops.org.scope import SELF, Scope, ScopedManager, ScopedQuerySet


class UnitKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县/区"
    ZONE = "zone", "开发区"
    PARK = "park", "园区"
    TOWNSHIP = "township", "乡镇/街道"
    DEPARTMENT = "department", "部门"
    REMOTE_OFFICE = "remote_office", "驻外招商组"
    TASK_FORCE = "task_force", "专班"
    OTHER = "other", "其他"


class Unit(VersionedModel):
    """A node of the unit tree. ``path`` is the materialized path of primary keys ("1/4/9/"),
    so "this unit and everything below" is one indexed prefix query."""

    scope_unit_fields = (SELF,)  # the unit row is its own scope anchor

    code = models.CharField(
        "单位代码", max_length=32, unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$", "单位代码只能包含字母、数字、点、横线和下划线。")],
    )
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级单位")
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["path"]
        verbose_name = "单位"
        indexes = [
            models.Index(fields=["path"], name="org_unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind"], name="org_unit_kind"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:unit_detail", args=[self.pk])

    def is_descendant_of(self, other):
        return self.path.startswith(other.path)


class PersonManager(BaseUserManager.from_queryset(ScopedQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(username=username)


class Person(AbstractBaseUser, VersionedModel):
    """A person who works in a unit. With a usable password the person can sign in."""

    scope_unit_fields = ("unit",)
    scope_owner_fields = ("pk",)  # 仅本人 on people means the person's own record

    username = models.CharField(
        "登录名", max_length=50, unique=True, validators=[UnicodeUsernameValidator()],
        error_messages={"unique": "该登录名已被使用。"},
    )
    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="people", verbose_name="单位")
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField(
        "手机号", max_length=20, blank=True,
        validators=[RegexValidator(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$", "请输入11位手机号或带区号的固定电话。")],
    )
    email = models.EmailField("电子邮箱", blank=True, help_text="配置了邮件服务器时，站内消息同时发到这里。")
    is_active = models.BooleanField("启用", default=True)
    must_change_password = models.BooleanField("下次登录须修改密码", default=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    objects = PersonManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = "人员"
        indexes = [models.Index(fields=["unit", "name"], name="org_person_unit_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:person_detail", args=[self.pk])


class Role(VersionedModel):
    """A named set of permissions belonging to one duty (业务 or one of the three admin duties)."""

    code = models.SlugField("角色代码", max_length=40, unique=True)
    name = models.CharField("角色名称", max_length=50)
    duty = models.CharField("职责", max_length=20, choices=Duty.choices, default=Duty.BUSINESS)
    permissions = models.JSONField("权限", default=list)
    description = models.CharField("说明", max_length=200, blank=True)
    is_builtin = models.BooleanField("内置", default=False)

    class Meta:
        ordering = ["duty", "code"]
        verbose_name = "角色"

    def __str__(self):
        return self.name

    @property
    def permission_labels(self):
        return [registry.label(code) for code in self.permissions]

    def clean(self):
        from django.core.exceptions import ValidationError

        if not isinstance(self.permissions, list):
            raise ValidationError({"permissions": "权限必须是列表。"})
        if bad := permissions_not_allowed(self.duty, self.permissions):
            names = "、".join(map(registry.label, bad))
            raise ValidationError({"permissions": f"{self.get_duty_display()}角色不能拥有权限：{names}。"})


DUPLICATE_GRANT = "该人员已有相同角色和数据范围的授权，不能重复授予；如需调整，请先撤销原授权。"


class Grant(models.Model):
    """A role given to a person over a data scope. No grant, no access (deny by default).

    A grant is seen (and managed) by whoever's scope reaches its person; ``unit`` is the grant's
    anchor, not where the grant belongs."""

    scope_unit_fields = ("person__unit",)
    scope_owner_fields = ("person",)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grants", verbose_name="人员")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="grants", verbose_name="角色")
    scope = models.CharField("数据范围", max_length=12, choices=Scope.choices)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="范围单位",
        help_text="本单位/本单位及下级的锚点；留空表示人员所在单位。",
    )
    custom_units = models.ManyToManyField(Unit, blank=True, related_name="+", verbose_name="自定义单位")
    granted_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("授权时间", auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["person", "role"]
        verbose_name = "授权"
        # Two constraints because NULLs are distinct in a unique index: with the unit in one constraint, the same
        # grant without a unit could be given twice (and revoking one would leave the access in place).
        constraints = [
            models.UniqueConstraint(fields=["person", "role", "scope", "unit"], condition=models.Q(unit__isnull=False),
                                    name="org_grant_unique_with_unit", violation_error_message=DUPLICATE_GRANT),
            models.UniqueConstraint(fields=["person", "role", "scope"], condition=models.Q(unit__isnull=True),
                                    name="org_grant_unique_without_unit", violation_error_message=DUPLICATE_GRANT),
        ]

    def __str__(self):
        return f"{self.person} · {self.role} · {self.get_scope_display()}"

    @property
    def anchor(self):
        return self.unit or self.person.unit
