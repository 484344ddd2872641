"""The permissions a role can hold, declared by each app, and which admin duty each belongs to.

Each app's AppConfig declares its own codes::

    permissions = {"project.view": ("查看项目", "business"), ...}   # code: (Chinese label, duty)

and ``OrgConfig.ready()`` collects them into :data:`registry`. Apps below org (core, audit) write the
duty as its plain value so that they import nothing from org. An unknown code raises
:class:`UnknownPermission` wherever it is used: a typo fails at once instead of silently denying.

三权分立 (等保2.0 level 3): the system admin manages units and people, the security admin manages
roles, grants and account locks, the auditor reads the audit log. A role belongs to one duty and
holds that duty's permissions plus the common read permissions (:data:`COMMON`); an admin role
holds no business permission and a business role no admin permission.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class Duty(models.TextChoices):
    BUSINESS = "business", "业务"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


COMMON = "common"  # declared duty of a read permission every role may hold (unit.view, person.view)

_CODE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")


class UnknownPermission(LookupError):
    """A permission code that no app declares (a programming error, never a plain deny)."""


@dataclass(frozen=True)
class Permission:
    code: str
    label: str
    duty: str  # a Duty value, or COMMON
    app_label: str
    app_name: str  # the app's Chinese name, used to group the role editor

    def allowed_for(self, duty):
        return self.duty in (COMMON, duty)


class PermissionRegistry:
    def __init__(self):
        self._permissions = {}

    def register(self, app_label, app_name, declarations):
        for code, (label, duty) in declarations.items():
            if not _CODE.match(code):
                raise ImproperlyConfigured(f"权限代码 {code!r}（{app_label}）应形如 app.action。")
            if duty != COMMON and duty not in Duty.values:
                raise ImproperlyConfigured(f"权限 {code} 的职责 {duty!r} 未定义。")
            if code in self._permissions and self._permissions[code].app_label != app_label:
                raise ImproperlyConfigured(f"权限 {code} 已由 {self._permissions[code].app_label} 声明。")
            self._permissions[code] = Permission(code, label, str(duty), app_label, str(app_name))

    def collect(self, app_configs):
        """Fill the registry from every app config's ``permissions`` declaration."""
        for config in app_configs:
            self.register(config.label, config.verbose_name, getattr(config, "permissions", {}))

    def check(self, code):
        if code not in self._permissions:
            raise UnknownPermission(f"未声明的权限代码：{code!r}")
        return code

    def get(self, code):
        return self._permissions[self.check(code)]

    def __contains__(self, code):
        return code in self._permissions

    def __iter__(self):
        return iter(self._permissions.values())

    def label(self, code):
        """The Chinese name of a code; an undeclared code stored on an old role shows as itself."""
        permission = self._permissions.get(code)
        return permission.label if permission else code

    def grouped_choices(self):
        """[(app name, [(code, label), ...]), ...] in app order, for the role editor."""
        groups = {}
        for permission in self._permissions.values():
            groups.setdefault(permission.app_name, []).append((permission.code, permission.label))
        return list(groups.items())


registry = PermissionRegistry()


def permission_choices():
    return registry.grouped_choices()


def permissions_not_allowed(duty, codes):
    """The codes a role of ``duty`` may not hold (unknown codes included)."""
    return [code for code in codes
            if not isinstance(code, str) or code not in registry or not registry.get(code).allowed_for(duty)]
