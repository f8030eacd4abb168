from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "licensing.api"
    label = "api"
