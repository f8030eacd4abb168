from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "licensing.licences"
    label = "licences"
