from django.apps import AppConfig


class CustomsConfig(AppConfig):
    name = "licensing.customs"
    label = "customs"
    verbose_name = "Customs"
