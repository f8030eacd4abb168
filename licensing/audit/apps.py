from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "licensing.audit"
    label = "audit"
