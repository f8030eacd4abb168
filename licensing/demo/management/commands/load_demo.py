from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from licensing.demo.data import DEMO_PASSWORD, demo_cases_load, demo_library_load, demo_load


class Command(BaseCommand):
    help = "Create demo organisations and accounts (idempotent). Local use only: all share one published password."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true", help="Load even when DEBUG is off (benchmarks).")

    def handle(self, *args, allow_production=False, verbosity=1, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError("Refusing to load demo accounts with DEBUG off; pass --allow-production if you mean it.")
        counts = demo_load()
        cases = demo_cases_load()
        kept = demo_library_load()
        if verbosity:
            self.stdout.write(
                f"Demo data loaded: {counts['organisations']} organisations, {counts['users']} users (password: {DEMO_PASSWORD}), {cases} new demo applications, {kept} new address-book entries and library items."
            )
