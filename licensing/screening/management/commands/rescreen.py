from django.core.management.base import BaseCommand

from licensing.applications.models import Application, Status
from licensing.screening.cases import serials_index
from licensing.screening.lists import denials_refresh
from licensing.screening.rescreen import rescreen_start


class Command(BaseCommand):
    help = (
        "Re-read the denial register, index the serial and lot numbers of every submitted application, and "
        "re-screen every open application (after changing SCREENING_THRESHOLD or the matching algorithm)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serials", action="store_true", help="Skip indexing serial numbers of closed applications.")

    def handle(self, *args, no_serials: bool = False, **options):
        denials_refresh(force=True)
        if not no_serials:
            count = 0
            for application in Application.objects.exclude(status=Status.DRAFT).prefetch_related("goods").iterator(chunk_size=200):
                count += serials_index(application)
            self.stdout.write(f"Indexed {count} serial and lot numbers.")
        run = rescreen_start()
        self.stdout.write(f"Run {run.pk}: re-screening open applications.")
