from django.apps import AppConfig

from zoneops.org.permissions import Duty


class AccountsConfig(AppConfig):
    name = "zoneops.accounts"
    label = "accounts"
    verbose_name = "账号"
    permissions = {"account.unlock": ("解锁账号", Duty.SECURITY_ADMIN)}
