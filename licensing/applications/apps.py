from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "licensing.applications"
    label = "applications"

    def ready(self):
        from . import workflow  # noqa: F401 - registers the application's transition machine
        from . import receivers  # noqa: F401  (an organisation's new name reaches the search documents)
