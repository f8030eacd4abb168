from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from licensing.denials.denial_import import denials_import


class Command(BaseCommand):
    help = (
        "Import denials (CSV, EU exchange columns): those notified by other EU member states, and our own earlier ones "
        "(notifying_state = this office) whose decisions are not in this system. All or nothing; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        result = denials_import(file.read_bytes())
        if result.errors:
            for line in result.errors:
                self.stderr.write(line)
            raise CommandError(f"Nothing imported: {len(result.errors)} error(s).")
        self.stdout.write(f"Imported {result.created} denial(s); {result.unchanged} already registered.")
