from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "licensing.api"
    label = "api"

    def ready(self):
        # Every process (web, worker, manage.py) must drop a cached token the moment it is revoked.
        from .authentication import connect_signals

        connect_signals()
