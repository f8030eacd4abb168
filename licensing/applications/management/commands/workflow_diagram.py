from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from licensing.applications.workflow import workflow_mermaid

DOC = Path(settings.BASE_DIR) / "docs" / "workflow.md"
HEADER = (
    "# Application workflow\n\n"
    "Generated from `licensing/applications/workflow.py` by `python manage.py workflow_diagram`; do not edit by hand.\n"
    "Each arrow is one allowed move: `action (roles that may make it)`. `system` is the background routing.\n\n"
)


def workflow_document() -> str:
    return HEADER + "```mermaid\n" + workflow_mermaid() + "```\n"


class Command(BaseCommand):
    help = "Write docs/workflow.md, the state diagram generated from the workflow table."

    def handle(self, *args, **options):
        DOC.write_text(workflow_document())
        self.stdout.write(f"Wrote {DOC}")
