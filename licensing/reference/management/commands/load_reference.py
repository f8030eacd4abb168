from django.core.management.base import BaseCommand, CommandError

from licensing.reference.loader import ReferenceDataError, reference_load


class Command(BaseCommand):
    help = (
        "Load the reference data (fixtures/reference/*.yaml) into the database. "
        "Safe to run again: it only changes what differs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", help="Read the fixture files from this directory instead of fixtures/reference/."
        )

    def handle(self, *args, directory=None, verbosity=1, **options):
        try:
            counts = reference_load(directory=directory)
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        if verbosity < 1:
            return
        for name, c in counts.items():
            line = f"{name}: {c['total']} ({c['created']} created, {c['updated']} updated"
            line += f", {c['deleted']} deleted)" if c["deleted"] else ")"
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
