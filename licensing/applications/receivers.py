"""Keep the office search's documents true when an organisation is renamed (in the admin: no service renames one)."""
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from licensing.accounts.models import Organisation

from .models import Application, Status
from .search import search_document_refresh

CHUNK = 2000


@receiver(post_save, sender=Organisation, dispatch_uid="applications.search.organisation_saved")
def organisation_saved(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and "name" not in update_fields):
        return
    organisation_id = instance.pk

    def refresh():
        ids = list(Application.objects.filter(organisation_id=organisation_id).exclude(status=Status.DRAFT).values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            search_document_refresh(application_ids=ids[start : start + CHUNK])

    transaction.on_commit(refresh)
