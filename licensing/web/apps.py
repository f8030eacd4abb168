from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "licensing.web"
    label = "web"
