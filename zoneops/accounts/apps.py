from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zoneops.accounts"
    label = "accounts"
    verbose_name = "账号"
