from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from licensing.screening.importers import FORMATS
from licensing.screening.models import RunStatus
from licensing.screening.rescreen import list_import_file


class Command(BaseCommand):
    help = (
        "Import a sanctions list: the EU consolidated list (--format eu-xml) or an OpenSanctions FollowTheMoney "
        "export (--format ftm). All or nothing; the list's entries are replaced, then every open application is "
        "re-screened (by the worker, or in process without one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="list_format")
        parser.add_argument("file", type=Path)

    def handle(self, *args, list_format: str, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        run = list_import_file(source=FORMATS[list_format], content=file.read_bytes(), file_name=file.name)
        if run.status == RunStatus.FAILED:
            for line in run.errors:
                self.stderr.write(line)
            raise CommandError(f"Nothing imported: {len(run.errors)} error(s).")
        self.stdout.write(
            f"Run {run.pk}: {run.created} new, {run.updated} changed, {run.removed} removed, {run.unchanged} unchanged entries; "
            "re-screening open applications."
        )
