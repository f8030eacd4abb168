from django.apps import AppConfig


class DenialsConfig(AppConfig):
    name = "licensing.denials"
    label = "denials"
