from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "anxin.accounts"
    label = "accounts"
