from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "licensing.screening"
    label = "screening"

    def ready(self):
        from . import signals

        signals.connect()
