from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from licensing.core.errors import DomainError
from licensing.licences.usage import COLUMNS, content_hash, file_rows
from licensing.reporting.usage_history import usage_history_import


class Command(BaseCommand):
    help = (
        "Import usage reports (realisaties) from a previous system: CSV (UTF-8) or XLSX with the usage upload's columns "
        "(" + ",".join(COLUMNS) + ") and an optional holder (KvK or EORI number). `licence` is the holder's licence or "
        "registration number. All or nothing: on any error nothing is saved and every error is printed as "
        "'row N: field: message'. Importing the same file again adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        with file.open("rb") as uploaded:
            sha256 = content_hash(iter(lambda: uploaded.read(1 << 20), b""))
            uploaded.seek(0)
            try:
                rows = file_rows(uploaded)
            except DomainError as exc:
                raise CommandError(f"file: {exc.message}") from None
            result = usage_history_import(rows=rows, sha256=sha256)
        if result.errors:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError(f"Nothing imported: {len(result.errors)} error(s).")
        self.stdout.write(f"Imported {result.created} usage report(s); {result.unchanged} already imported.")
