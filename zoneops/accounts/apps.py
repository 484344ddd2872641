from django.apps import AppConfig

from zoneops.org.permissions import Duty


class AccountsConfig(AppConfig):
    name = "zoneops.accounts"
    label = "accounts"
    verbose_name = "账号"
    permissions = {"account.unlock": ("解锁账号", Duty.SECURITY_ADMIN)}

    def ready(self):
        # org manages people but stands below accounts (import direction): it ends tokens through this hook.
        from zoneops.accounts.services import tokens_revoke_all
        from zoneops.core import hooks

        hooks.credentials_revoked.connect(tokens_revoke_all)
