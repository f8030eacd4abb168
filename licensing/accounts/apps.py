from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "licensing.accounts"
    label = "accounts"
