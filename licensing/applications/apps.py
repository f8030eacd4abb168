from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "licensing.applications"
    label = "applications"
