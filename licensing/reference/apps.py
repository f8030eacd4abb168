from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "licensing.reference"
    label = "reference"

    def ready(self):
        from . import signals  # noqa: F401  (connects the cache invalidation receivers)
