"""Rewrite the office search's documents of every submitted application (after a change to what they hold, or to
the name normaliser); in chunks, so memory stays bounded at a million applications."""
from django.core.management.base import BaseCommand

from licensing.applications.models import Application, Status
from licensing.applications.search import search_document_refresh

CHUNK = 2000


class Command(BaseCommand):
    help = "Rewrite the office search's documents of every submitted application."

    def handle(self, *args, **options):
        ids = list(Application.objects.exclude(status=Status.DRAFT).order_by("pk").values_list("pk", flat=True))
        written = 0
        for start in range(0, len(ids), CHUNK):
            written += search_document_refresh(application_ids=ids[start : start + CHUNK])
        self.stdout.write(f"{written} search documents written")
