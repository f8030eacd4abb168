from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from licensing.reporting.imports import COLUMNS, OPTIONAL_COLUMNS, decisions_import


class Command(BaseCommand):
    help = (
        "Import decisions from a previous system (CSV with the header " + ",".join(COLUMNS) + ", then any of the optional "
        "columns " + ",".join(OPTIONAL_COLUMNS) + "). "
        "All or nothing: on any error nothing is saved and every error is printed as 'row N: field: message'. "
        "Importing the same file again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        result = decisions_import(file.read_bytes())
        if result.errors:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError(f"Nothing imported: {len(result.errors)} error(s).")
        self.stdout.write(f"Imported {result.created} decision(s); {result.unchanged} already imported.")
