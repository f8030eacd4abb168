from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "licensing.reporting"
    label = "reporting"
