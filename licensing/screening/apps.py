from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "licensing.screening"
    label = "screening"
