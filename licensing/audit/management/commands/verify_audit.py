from django.core.management.base import BaseCommand, CommandError

from licensing.audit.chain import chain_verify
from licensing.audit.models import Event


class Command(BaseCommand):
    help = "Check the event log's hash chain: finds edited and deleted rows. Exits non-zero when it is broken."

    def handle(self, *args, **options):
        checked, problems = chain_verify(Event.objects.order_by("id").iterator(chunk_size=5000))
        for problem in problems:
            self.stderr.write(f"event {problem.event_id}: {problem.message}")
        if problems:
            raise CommandError(f"The audit trail is broken: {len(problems)} problem(s) in {checked} events.")
        self.stdout.write(f"The audit trail is intact: {checked} events checked.")
