from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "licensing.licences"
    label = "licences"

    def ready(self):
        from licensing.screening.hooks import rescreen_started

        from . import transitions  # noqa: F401 - registers the licence's and the registration's transition machines
        from .live_screening import on_rescreen_started

        # A re-screen run (a list imported, the denial register changed) re-screens the live licences too.
        rescreen_started.connect(on_rescreen_started, dispatch_uid="licences_live_rescreen")
