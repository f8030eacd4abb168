from django.core.management.base import BaseCommand, CommandError

from licensing.audit.chain import Problem, chain_verify
from licensing.audit.models import Checkpoint, Event


class Command(BaseCommand):
    help = (
        "Check the event log: every row against its keyed hash and its link, and every checkpoint's event still there "
        "with its hash (finds edited, deleted and cut-back rows and a rewritten chain). Exits non-zero when broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--head",
            metavar="EVENT_ID:HASH",
            action="append",
            default=[],
            help="A head published outside the database (the 'audit checkpoint' log lines): that event must still be there "
            "with that hash. May be given more than once.",
        )

    def handle(self, *args, head, **options):
        published = []
        for value in head:
            event_id, _, event_hash = value.partition(":")
            if not event_id.isdigit() or len(event_hash) != 64:
                raise CommandError(f"--head {value!r}: expected EVENT_ID:HASH, as the 'audit checkpoint' log line gives them.")
            published.append((int(event_id), event_hash))
        checkpoints = list(Checkpoint.objects.order_by("id").values_list("event_id", "event_hash", "at", "mac"))
        checked, problems = chain_verify(Event.objects.order_by("id").iterator(chunk_size=5000), checkpoints)
        hashes = dict(Event.objects.filter(pk__in=[i for i, _ in published]).values_list("pk", "hash"))
        for event_id, event_hash in published:
            if hashes.get(event_id) != event_hash:
                what = "is missing, but a published head names it" if event_id not in hashes else "has another hash than a published head"
                problems.append(Problem(event_id, f"it {what}: the log was cut back or rewritten"))
        for problem in problems:
            self.stderr.write(f"event {problem.event_id}: {problem.message}")
        if problems:
            raise CommandError(f"The audit trail is broken: {len(problems)} problem(s) in {checked} events.")
        last = checkpoints[-1] if checkpoints else None
        self.stdout.write(f"The audit trail is intact: {checked} events checked, {len(checkpoints)} checkpoint(s).")
        if last is not None:
            self.stdout.write(f"Last checkpoint: event {last[0]} at {last[2].isoformat()}; events after it are anchored by the next one.")

