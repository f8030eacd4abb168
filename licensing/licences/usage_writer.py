"""
The usage writer (issue 16.6: out of licences.usage, which reads and checks rows): a batch of usage reports checked
whole, then written all or nothing under row locks on the licence lines it uses; the same content or
Idempotency-Key twice is counted once. The serial and lot numbers it writes are indexed for the serial search.
"""
import io

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from licensing.audit.services import event_record
from licensing.core.errors import NotAllowed

from . import usage
from .lifecycle import licence_use_move
from .models import Licence, LicenceLine, LicenceStatus, UsageReport, UsageUpload
from .serials import usage_serials_index
from .usage import RowSource, UsageResult

BATCH = 5000


def usage_import(*, actor, rows: RowSource, sha256: str, idempotency_key: str = "", filename: str = "") -> UsageResult:
    """Check every row, then write all of them or none. A repeat of the same content or key is a no-op."""
    if not actor.is_exporter:
        raise NotAllowed(gettext("Only the holder reports usage."))
    previous = UsageUpload.objects.filter(organisation_id=actor.organisation_id).filter(sha256=sha256).first() or (
        UsageUpload.objects.filter(organisation_id=actor.organisation_id, idempotency_key=idempotency_key).first() if idempotency_key else None
    )
    if previous is not None:
        return UsageResult(created=0, duplicate=True, upload_id=previous.pk)

    result = UsageResult()
    checker = usage.UsageChecker(actor.organisation_id)
    count = 0
    for number, row in rows():
        count += 1
        if count > usage.MAX_ROWS:
            result.errors.append("file: " + gettext("more than %(max)s rows; split it") % {"max": usage.MAX_ROWS})
            break
        problems, _ = checker.check(number, row)
        result.errors.extend(gettext("row %(number)s") % {"number": number} + f": {p}" for p in problems)
        if len(result.errors) >= usage.MAX_ERRORS:
            result.errors.append(gettext("... stopped after %(max)s errors") % {"max": usage.MAX_ERRORS})
            break
    if not result.errors:
        result.errors.extend(checker.over_limits())
    if not count and not result.errors:
        result.errors.append("file: " + gettext("no rows"))
    if result.errors:
        return result

    try:
        with transaction.atomic():
            upload = UsageUpload.objects.create(organisation_id=actor.organisation_id, created_by=actor, sha256=sha256, idempotency_key=idempotency_key, filename=filename[:255], rows=count)
            line_ids = list(checker.totals)
            # The limits again, under row locks: a concurrent upload may have used some of them meanwhile.
            locked = {l.pk: l for l in LicenceLine.objects.select_for_update().filter(pk__in=line_ids)}
            for target in checker.targets.values():
                if target and target.licence:
                    target.lines = {k: locked.get(l.pk, l) for k, l in target.lines.items()}
            over = checker.over_limits()
            if over:
                raise _Refused(over)
            replay = usage.UsageChecker(actor.organisation_id, counting=False, targets=checker.targets)
            replay.refusals, replay.entries = checker.refusals, checker.entries
            batch = []
            for number, row in rows():
                _, clean = replay.check(number, row)
                batch.append(_report(actor, upload, clean))
                if len(batch) >= BATCH:
                    _reports_write(batch)
                    batch = []
            _reports_write(batch)
            for line_id, (quantity, value) in checker.totals.items():
                LicenceLine.objects.filter(pk=line_id).update(used_quantity=F("used_quantity") + quantity, used_value_eur=F("used_value_eur") + value)
            _mark_exhausted({locked[i].licence_id for i in line_ids})
            usage_serials_index(UsageReport.objects.filter(upload=upload))
            event_record(actor=actor, verb="usage.reported", target=upload, payload={"rows": count, "sha256": sha256})
            if checker.flagged:
                event_record(actor=actor, verb="usage.outside_terms", target=upload, payload={"rows": [number for number, _ in checker.flagged]})
    except _Refused as refused:
        return UsageResult(errors=refused.errors)
    except IntegrityError:  # the same content or key arrived at the same moment: that one counts
        previous = UsageUpload.objects.filter(organisation_id=actor.organisation_id, sha256=sha256).first()
        return UsageResult(duplicate=True, upload_id=previous.pk if previous else None)
    result.created, result.upload_id = count, upload.pk
    result.flagged = [gettext("row %(number)s") % {"number": number} + f": {term}" for number, term in checker.flagged]
    return result


class _Refused(Exception):
    def __init__(self, errors):
        super().__init__("refused")
        self.errors = errors


def _report(actor, upload, clean: dict) -> dict:
    """A checked row as the usage report's column values (by attname), without building a model instance."""
    return {
        "organisation_id": actor.organisation_id, "licence_id": clean["licence"].pk if clean["licence"] else None,
        "registration_id": clean["registration"].pk if clean["registration"] else None, "upload_id": upload.pk, "reported_by_id": actor.pk,
        "exported_on": clean["exported_on"], "destination_id": clean["destination_id"], "control_entry": clean["control_entry"], "ml_category": clean["ml_category"],
        "quantity": clean["quantity"], "value_eur": clean["value_eur"], "recipient": clean["recipient"], "serial_numbers": clean["serial_numbers"], "lot_numbers": clean["lot_numbers"],
        "movement": clean["movement"], "origin_id": clean["origin_id"], "outside_terms": clean["outside_terms"][:500], "imported_from": "",
    }


def _reports_write(reports: list[dict]) -> None:
    """Insert the batch in the current transaction: COPY on PostgreSQL, bulk_create elsewhere.

    On PostgreSQL the ORM sends these values as they are (ids, dates, decimals, text); COPY takes their text and skips
    building 5,000 model instances and a 5,000-row INSERT (over half of a 100,000-row upload's write pass, issue 10).
    """
    if not reports:
        return
    if connection.vendor != "postgresql":
        UsageReport.objects.bulk_create([UsageReport(**values) for values in reports])
        return
    fields = [f for f in UsageReport._meta.concrete_fields if not f.primary_key]
    created_at = timezone.now()  # auto_now_add
    buffer = io.StringIO()
    for values in reports:
        values["created_at"] = created_at
        buffer.write(",".join(_copy_value(values[f.attname]) for f in fields))
        buffer.write("\n")
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {quote(UsageReport._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)


def _copy_value(value) -> str:
    # Every value quoted, so text that reads \N (or is empty) stays text; only a real None is NULL.
    if value is None:
        return "\\N"
    return '"' + str(value).replace('"', '""') + '"'


def _mark_exhausted(licence_ids: set[int]) -> None:
    for licence in Licence.objects.filter(pk__in=licence_ids, status=LicenceStatus.ACTIVE).prefetch_related("lines"):
        if all(l.used_value_eur >= l.value_eur or (l.quantity is not None and l.used_quantity >= l.quantity) for l in licence.lines.all()):
            licence_use_move(actor=None, licence=licence, move="exhaust")
