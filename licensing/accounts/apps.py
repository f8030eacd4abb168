from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "licensing.accounts"
    label = "accounts"

    def ready(self):
        from . import middleware  # noqa: F401 - connects the login-time stamp for session expiry
        from . import transitions  # noqa: F401 - registers the organisation's machine (its verbs, its diagram)
