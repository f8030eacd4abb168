from pathlib import Path

from django.core.management.base import BaseCommand

from licensing.screening.lists import HIGH_PRIORITY_FIXTURE, high_priority_items_load


class Command(BaseCommand):
    help = "Load the HS codes of the common high-priority items list (tiers 1 and 2) from fixtures/screening/. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=HIGH_PRIORITY_FIXTURE)

    def handle(self, *args, file: Path, **options):
        count = high_priority_items_load(file)
        if options["verbosity"]:
            self.stdout.write(f"Loaded {count} high-priority HS codes.")
