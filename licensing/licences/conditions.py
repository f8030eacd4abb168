"""
A licence's conditions as obligations (issue 21.4): the standard conditions the office chose at issue become
LicenceConditions with their due dates (`conditions_attach`, called by decisions.decision_issue); the holder meets
one on the licence page or the API (`condition_meet`: the certificate uploaded, or the re-import recorded); the holder
is reminded CONDITION_REMINDER_DAYS before the date (`conditions_remind`, beat); the nightly run marks the unmet ones
overdue (`conditions_mark_overdue`). What a compliance officer must look at becomes a reconciliation flag on the
licence (licensing.customs.reconciliation reads `condition_mismatches` here): a due date passed unmet, and usage
contradicting a standing condition (a reported export to a destination the licence does not name, under "no re-export
without consent").
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.applications.uploads import document_store, files_removed_on_failure, upload_check
from licensing.core.errors import DomainError, NotAllowed
from licensing.core.mail import mail_after_commit
from licensing.reference.models import Obligation, StandardText

from .models import ConditionDocument, ConditionStatus, Licence, LicenceCondition, UsageReport
from .transitions import CONDITION, LIVE, ConditionAction

NEEDS_DOCUMENT = frozenset({Obligation.DELIVERY_VERIFICATION, Obligation.END_USER_CERTIFICATE})
UNMET = (ConditionStatus.OPEN, ConditionStatus.OVERDUE)
MAX_CONDITION_FILES = 5
MAX_NOTE_CHARS = 5000


def condition_due_on(text: StandardText, *, issued_on: date, valid_to: date) -> date | None:
    """The due date of a condition made from `text` on a licence issued on `issued_on`: its days after issue, or
    without days the licence's end; none for a standing condition or one that is only text."""
    if text.obligation in ("", Obligation.NO_REEXPORT):
        return None
    return issued_on + timedelta(days=text.due_days) if text.due_days else valid_to


def conditions_attach(*, licence: Licence, texts: list[StandardText]) -> list[LicenceCondition]:
    """Make the licence's conditions from the chosen standard texts (in the issuing transaction)."""
    return LicenceCondition.objects.bulk_create(
        LicenceCondition(
            licence=licence, standard_text=text, obligation=text.obligation, text_en=text.text_en, text_nl=text.text_nl,
            due_on=condition_due_on(text, issued_on=licence.valid_from, valid_to=licence.valid_to),
        )
        for text in texts
    )


def conditions_carry(*, old: Licence, new: Licence) -> list[int]:
    """A replacement licence takes over the conditions of the old one not yet met (with their dates and status): the
    holder still owes them, now under the licence that is in force. Those met stay with the old licence, as history.
    In the replacing transaction; returns the ids carried over."""
    unmet = list(LicenceCondition.objects.filter(licence=old, status__in=UNMET).order_by("pk").values_list("pk", flat=True))
    LicenceCondition.objects.filter(pk__in=unmet).update(licence=new)
    return unmet


def conditions_of(licence: Licence):
    return LicenceCondition.objects.filter(licence=licence).prefetch_related("documents").order_by("due_on", "id")


def condition_meet(*, actor, condition: LicenceCondition, files=(), re_imported_on: date | None = None, note: str = "") -> LicenceCondition:
    """The holder meets a condition: a certificate's documents uploaded (checked by content before anything is
    stored), or a re-import's date recorded. A failure stores nothing."""
    CONDITION.check(condition, ConditionAction.MEET, actor)  # 404 for others' licences, 403 for officials, 409 when met
    if not actor.may_in_organisation("draft"):
        raise NotAllowed(_("Your role in your organisation may not hand in documents; ask a colleague who prepares or signs."))
    files, note = list(files), (note or "").strip()
    errors: dict[str, list[str]] = {}
    if len(note) > MAX_NOTE_CHARS:
        errors["note"] = [_("Keep the note under %(n)s characters.") % {"n": MAX_NOTE_CHARS}]
    if len(files) > MAX_CONDITION_FILES:
        errors["file"] = [_("Attach at most %(n)s files.") % {"n": MAX_CONDITION_FILES}]
    if condition.obligation in NEEDS_DOCUMENT and not files:
        errors["file"] = [_("Upload the certificate.")]
    if condition.obligation == Obligation.REIMPORT:
        today = timezone.localdate()
        if re_imported_on is None:
            errors["re_imported_on"] = [_("Give the date the goods came back.")]
        elif re_imported_on > today or re_imported_on < condition.licence.valid_from:
            errors["re_imported_on"] = [_("The re-import date lies between the licence's start and today.")]
    elif re_imported_on is not None:
        errors["re_imported_on"] = [_("Only a re-import has a re-import date.")]
    if errors:
        raise DomainError(_("The condition is not met yet."), fields=errors)
    checked = [(f, upload_check(f)) for f in files]
    with files_removed_on_failure() as stored, transaction.atomic():
        for uploaded, check in checked:
            document_store(ConditionDocument(condition=condition, uploaded_by=actor), uploaded, check, stored)
        CONDITION.move(
            condition, ConditionAction.MEET, actor,
            payload={"condition": condition.pk, "obligation": condition.obligation, "documents": [c.sha256 for _f, c in checked],
                     "re_imported_on": re_imported_on.isoformat() if re_imported_on else None},
            extra_updates={"met_by": actor, "re_imported_on": re_imported_on, "note": note},
        )
    return condition


def conditions_remind(*, today: date | None = None) -> int:
    """Owe one reminder for every open condition of a live licence due within CONDITION_REMINDER_DAYS (beat, hourly);
    each condition is marked when its reminder is owed, so it is sent once."""
    from .tasks import condition_remind

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.CONDITION_REMINDER_DAYS)
    due = LicenceCondition.objects.filter(
        status=ConditionStatus.OPEN, reminded_at__isnull=True, due_on__gte=today, due_on__lte=horizon, licence__status__in=LIVE, licence__holder__isnull=False
    )
    owed = 0
    for condition_id in due.values_list("pk", flat=True)[:1000]:
        with transaction.atomic():
            # Compare-and-set: two beat runs at once owe one reminder.
            if LicenceCondition.objects.filter(pk=condition_id, reminded_at__isnull=True).update(reminded_at=timezone.now()):
                mail_after_commit(condition_remind, condition_id)
                owed += 1
    return owed


def conditions_mark_overdue() -> int:
    """Mark overdue every open condition whose date has passed (nightly, idempotent); returns how many."""
    marked = 0
    for condition in LicenceCondition.objects.filter(status=ConditionStatus.OPEN, due_on__lt=timezone.localdate()).select_related("licence").iterator(chunk_size=500):
        try:
            CONDITION.move(condition, ConditionAction.MARK_OVERDUE, None, payload={"condition": condition.pk, "due_on": condition.due_on.isoformat()})
        except DomainError:
            continue  # met or marked by someone else in the meantime
        marked += 1
    return marked


@dataclass(frozen=True)
class ConditionMismatch:
    kind: str  # "unmet" or "breached"
    condition: LicenceCondition
    figures: dict


def condition_mismatches(licence: Licence, *, today: date | None = None) -> list[ConditionMismatch]:
    """What the licence's conditions say a compliance officer must look at: a due date passed and not met (whatever
    the status says: the nightly marking may not have run yet), and under "no re-export without consent" every
    reported export to a destination the licence does not name."""
    today = today or timezone.localdate()
    found = []
    conditions = list(LicenceCondition.objects.filter(licence=licence).exclude(obligation="").order_by("id"))
    for c in conditions:
        if c.status in UNMET and c.obligation != Obligation.NO_REEXPORT and c.due_on and c.due_on < today:
            found.append(ConditionMismatch("unmet", c, {"obligation": c.obligation, "due_on": c.due_on.isoformat(), "days_late": (today - c.due_on).days}))
    standing = [c for c in conditions if c.obligation == Obligation.NO_REEXPORT]
    if standing:
        destinations = set(licence.destinations.values_list("code", flat=True))
        elsewhere = (
            UsageReport.objects.filter(licence=licence).exclude(destination_id__in=destinations).values_list("destination_id", "exported_on").order_by("exported_on")
        )
        by_country: dict[str, list[date]] = {}
        for country, day in elsewhere:
            by_country.setdefault(country, []).append(day)
        if by_country:
            figures = {
                "obligation": Obligation.NO_REEXPORT, "destinations": sorted(by_country), "reports": sum(len(d) for d in by_country.values()),
                "first": min(min(d) for d in by_country.values()).isoformat(), "last": max(max(d) for d in by_country.values()).isoformat(),
            }
            found += [ConditionMismatch("breached", c, figures) for c in standing]
    return found


def licences_with_condition_mismatches() -> set[int]:
    """The licences the nightly reconciliation must look at for their conditions (a superset; it decides)."""
    overdue = LicenceCondition.objects.filter(status__in=UNMET, due_on__lt=timezone.localdate()).exclude(obligation__in=["", Obligation.NO_REEXPORT])
    standing = LicenceCondition.objects.filter(obligation=Obligation.NO_REEXPORT, licence__usage_reports__isnull=False)
    return set(overdue.values_list("licence_id", flat=True)) | set(standing.values_list("licence_id", flat=True).distinct())
