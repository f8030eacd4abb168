from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "licensing.core"
    label = "core"
