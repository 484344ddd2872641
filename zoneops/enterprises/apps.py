from django.apps import AppConfig

from zoneops.org.permissions import Duty


class EnterprisesConfig(AppConfig):
    name = "zoneops.enterprises"
    label = "enterprises"
    verbose_name = "企业库"
    permissions = {
        "enterprise.view": ("查看企业库", Duty.BUSINESS),
        "enterprise.edit": ("登记和修改企业", Duty.BUSINESS),
        "enterprise.contact": ("查看企业联系人电话", Duty.BUSINESS),
    }
