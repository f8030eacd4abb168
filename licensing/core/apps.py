from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "licensing.core"
    label = "core"

    def ready(self):
        from . import signing  # noqa: F401  (registers the signing certificate's system check)
