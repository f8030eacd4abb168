from django.apps import AppConfig

from licensing.applications.signals import application_submitted


class CaseworkConfig(AppConfig):
    name = "licensing.casework"
    label = "casework"

    def ready(self):
        # In ready(): the receiver's module imports the task and, through it, models (not loadable before now).
        from .receivers import routing_enqueue

        application_submitted.connect(routing_enqueue, dispatch_uid="casework_routing_enqueue")
