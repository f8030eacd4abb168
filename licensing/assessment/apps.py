from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "licensing.assessment"
    label = "assessment"
