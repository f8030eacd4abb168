from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "licensing.licences"
    label = "licences"

    def ready(self):
        from . import transitions  # noqa: F401 - registers the licence's and the registration's transition machines
