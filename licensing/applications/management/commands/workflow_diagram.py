"""`manage.py workflow_diagram`: docs/workflow.md, the state diagrams of every transition machine, drawn from their
tables. It reads the machines from the mechanism's registry (each app registers its own in its ready()), so this
command, kept here where the application's workflow first had it, imports no app above `applications`."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from licensing.audit.transitions import MACHINES

DOC = Path(settings.BASE_DIR) / "docs" / "workflow.md"
HEADER = (
    "# Workflows\n\n"
    "Generated from the transition machines' tables (`licensing/audit/transitions.py`; the tables are in\n"
    "`applications/workflow.py`, `licences/transitions.py` and `assessment/transitions.py`) by\n"
    "`python manage.py workflow_diagram`; do not edit by hand. Each arrow is one allowed move:\n"
    "`action (roles that may make it)`; every move records the event `<machine>.<action>`. `system` is background\n"
    "work (routing after submission, the nightly expiry, a licence used up by the holder's reports).\n"
)
# The application first, then the others by name.
ORDER = ("application",)


def workflow_document() -> str:
    names = [n for n in ORDER if n in MACHINES] + sorted(set(MACHINES) - set(ORDER))
    parts = [HEADER]
    for name in names:
        machine = MACHINES[name]
        parts.append(f"\n## {machine.model._meta.verbose_name.capitalize()} (`{name}.*`)\n\n```mermaid\n{machine.mermaid()}```\n")
    return "".join(parts)


class Command(BaseCommand):
    help = "Write docs/workflow.md, the state diagrams generated from the transition machines' tables."

    def handle(self, *args, **options):
        DOC.write_text(workflow_document())
        self.stdout.write(f"Wrote {DOC}")
