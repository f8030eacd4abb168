from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "licensing.assessment"
    label = "assessment"

    def ready(self):
        from . import transitions  # noqa: F401 - registers the assessment's and the consultation's transition machines
