from django.apps import AppConfig, apps

from zoneops.org.permissions import COMMON, Duty


class OrgConfig(AppConfig):
    name = "zoneops.org"
    label = "org"
    verbose_name = "组织"
    permissions = {
        "unit.view": ("查看单位", COMMON),
        "person.view": ("查看人员", COMMON),
        "unit.manage": ("管理单位", Duty.SYSTEM_ADMIN),
        "person.manage": ("管理人员", Duty.SYSTEM_ADMIN),
        "role.manage": ("管理角色", Duty.SECURITY_ADMIN),
        "grant.manage": ("授权", Duty.SECURITY_ADMIN),
    }

    def ready(self):
        from zoneops.org import checks  # noqa: F401  registers the scope declaration check
        from zoneops.org.permissions import registry

        registry.collect(apps.get_app_configs())
