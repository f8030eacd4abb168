"""
Objections (bezwaar, General Administrative Law Act (Awb) chapters 6-7): the holder objects to a decision within six
weeks after the day it was sent (Awb 6:7, 6:8); a later objection is received and marked late (the office may declare
it inadmissible with reasons, Awb 6:11). The office decides within six weeks after the objection term ended (Awb 7:10).

A decision is sent on the day it is taken (the notification mail and the letter go out on commit: licences.tasks), so
the term runs from the day after `Decision.decided_on`. The clause every letter carries (licences.documents) reads
its date from `objection_term_ends` here too.
"""
import logging
from datetime import date, timedelta

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.accounts.models import Role
from licensing.applications.models import Application
from licensing.applications.uploads import upload_check
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed
from licensing.core.permissions import refuse_unless

from .models import OPEN_OBJECTION_STATUSES, Decision, Objection, ObjectionDocument, Source

logger = logging.getLogger(__name__)

# Who objects: the holder's exporters (their own organisation's decisions; others' answer 404 in the views).
OBJECTING = (Role.EXPORTER,)
# Who reads the objections: the office and the ministry.
OBJECTIONS_READING = (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)
OBJECTION_TERM = timedelta(weeks=6)  # Awb 6:7
OBJECTION_DECISION_TERM = timedelta(weeks=6)  # Awb 7:10(1), for an office without an advisory committee
MAX_OBJECTION_FILES = 10
MAX_GROUNDS_CHARS = 20000


def objection_term_ends(decision: Decision) -> date:
    """The last day to object: six weeks from the day after the decision was sent (Awb 6:8)."""
    return decision.decided_on + OBJECTION_TERM


def objection_lodge(*, actor, application: Application, grounds: str, files: list | tuple = ()) -> Objection:
    """Lodge an objection to the application's decision, with its grounds and documents; one open objection per
    decision (a second while one is open: Conflict). Files are checked by content before anything is stored; a failure
    stores nothing."""
    refuse_unless(actor, OBJECTING, _("Only the holder's exporters object to a decision."))
    if application.organisation_id != actor.organisation_id:
        raise NotAllowed(_("Only the holder's exporters object to a decision."))
    if not actor.may_in_organisation("sign"):  # an objection binds the organisation, like submitting (ORG_ACTIONS)
        raise NotAllowed(_("Your role in your organisation may not lodge an objection; ask a signatory or your organisation's administrator."))
    grounds = (grounds or "").strip()
    errors = {}
    if not any(ch.isalnum() for ch in grounds):  # blank, or only invisible characters (zero-width spaces) or punctuation
        errors["grounds"] = [_("State the grounds of the objection.")]
    elif len(grounds) > MAX_GROUNDS_CHARS:
        errors["grounds"] = [_("Keep the grounds under %(n)s characters; attach a document for more.") % {"n": MAX_GROUNDS_CHARS}]
    if len(files) > MAX_OBJECTION_FILES:
        errors["file"] = [_("Attach at most %(n)s files.") % {"n": MAX_OBJECTION_FILES}]
    if errors:
        raise DomainError(_("The objection is not complete."), fields=errors)
    checked = [(f, upload_check(f)) for f in files]
    stored: list[str] = []
    try:
        with transaction.atomic():
            decision = Decision.objects.select_for_update().filter(application=application, source=Source.SYSTEM).first()
            if decision is None:
                raise Conflict(_("There is no decision on this application to object to yet."))
            if Objection.objects.filter(decision=decision, status__in=OPEN_OBJECTION_STATUSES).exists():
                raise Conflict(_("An objection to this decision is already being handled."))
            today = timezone.localdate()
            term_ends = objection_term_ends(decision)
            late = today > term_ends
            try:
                with transaction.atomic():
                    objection = Objection.objects.create(
                        decision=decision,
                        application=application,
                        grounds=grounds,
                        lodged_by=actor,
                        term_ends_on=term_ends,
                        due_on=max(term_ends, today) + OBJECTION_DECISION_TERM,
                        late=late,
                    )
            except IntegrityError:
                raise Conflict(_("An objection to this decision is already being handled.")) from None
            for uploaded, check in checked:
                document = ObjectionDocument(
                    objection=objection, original_name=(uploaded.name or "document")[-255:], content_type=check.content_type, size=check.size, sha256=check.sha256
                )
                document.file.save("upload", uploaded, save=False)
                stored.append(document.file.name)
                document.save()
            event_record(
                actor=actor,
                verb="objection.lodged",
                target=application,
                payload={"objection": objection.pk, "decision": decision.reference, "late": late, "documents": [check.sha256 for _upload, check in checked]},
            )
    except Exception:
        for name in stored:
            try:
                default_storage.delete(name)
            except OSError:
                logger.exception("could not delete stored file %s", name)
        raise
    return objection


def objections_for_office():
    """Every objection with what the office's list shows, soonest due first (a constant number of queries)."""
    return Objection.objects.select_related("decision", "application", "application__organisation").order_by("due_on", "id")
