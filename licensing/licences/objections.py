"""
Objections (bezwaar, General Administrative Law Act (Awb) chapters 6-7): the holder objects to a decision within six
weeks after the day it was sent (Awb 6:7, 6:8); a later objection is received and marked late (the office may declare
it inadmissible with reasons, Awb 6:11). The office decides within six weeks after the objection term ended (Awb 7:10).

A decision is sent on the day it is taken (the notification mail and the letter go out on commit: licences.tasks), so
the term runs from the day after `Decision.decided_on`. The clause every letter carries (licences.documents) reads
its date from `objection_term_ends` here too.
"""
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.accounts.models import Role
from licensing.applications.models import Application, Notification
from licensing.applications.notifications import notify_organisation
from licensing.applications.uploads import document_store, files_removed_on_failure, upload_check
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed
from licensing.core.mail import mail_after_commit
from licensing.core.permissions import refuse_unless
from licensing.denials.models import DenialRegisterEntry

from .models import (
    OPEN_OBJECTION_STATUSES,
    REPLACING_OUTCOMES,
    Decision,
    Licence,
    Objection,
    ObjectionDocument,
    ObjectionOutcome,
    ObjectionStatus,
    Registration,
    RegistrationStatus,
    Source,
)
from .transitions import HANDLING_OBJECTIONS, LICENCE, LIVE, OBJECTION, LicenceAction, ObjectionAction

from .tasks import objection_notify


# Who objects: the holder's exporters (their own organisation's decisions; others' answer 404 in the views).
OBJECTING = (Role.EXPORTER,)
# Who reads the objections: the office and the ministry.
OBJECTIONS_READING = (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)
OBJECTION_TERM = timedelta(weeks=6)  # Awb 6:7
OBJECTION_DECISION_TERM = timedelta(weeks=6)  # Awb 7:10(1), for an office without an advisory committee
OBJECTION_EXTENSION = timedelta(weeks=6)  # Awb 7:10(3): once, by at most six weeks
MAX_TEXT_CHARS = 20000
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
    with files_removed_on_failure() as stored:
        with transaction.atomic():
            decision = Decision.objects.select_for_update().filter(application=application, source=Source.SYSTEM).first()
            if decision is None:
                raise Conflict(_("There is no decision on this application to object to yet."))
            if Objection.objects.filter(decision=decision, status__in=OPEN_OBJECTION_STATUSES).exists():
                raise Conflict(_("An objection to this decision is already being handled."))
            # Awb 7:1 and 8:1: a decision on objection, and a decision whose objection was decided, are appealed at the
            # court; they are not objected to again.
            if decision.on_objection_id or Objection.objects.filter(decision=decision, status=ObjectionStatus.DECIDED).exists():
                raise Conflict(_("This decision was taken on objection; you may appeal to the court (see the letter)."), code="appeal_instead")
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
                document_store(ObjectionDocument(objection=objection), uploaded, check, stored)
            event_record(
                actor=actor,
                verb="objection.lodged",
                target=application,
                payload={"objection": objection.pk, "decision": decision.reference, "late": late, "documents": [check.sha256 for _upload, check in checked]},
            )
    return objection


def objections_for_office():
    """Every objection with what the office's list shows, soonest due first (a constant number of queries)."""
    return Objection.objects.select_related("decision", "application", "application__organisation", "new_decision").order_by("due_on", "id")


def objections_of_application(application: Application):
    """The objections lodged on one application, newest first (the holder's page and the office's case page)."""
    return Objection.objects.filter(application=application).select_related("decision", "new_decision").order_by("-lodged_at", "-id")


def objection_for_office(pk: int) -> Objection:
    return Objection.objects.select_related("decision__decided_by", "application__organisation", "handler", "lodged_by", "new_decision").prefetch_related("documents").get(pk=pk)


def objection_allowed_actions(objection: Objection, actor) -> list[str]:
    """The moves this official may make now: the machine's table, less those its guards refuse to this actor (the
    decision's author, someone else's objection, a second extension)."""
    allowed = []
    for action in OBJECTION.allowed_actions(objection, actor):
        try:
            OBJECTION.check(objection, action, actor, reason="-")
        except DomainError:
            continue
        allowed.append(action)
    return allowed


def _locked(objection: Objection, actor) -> Objection:
    """The objection locked for a move; its decision's author is refused before anything else is looked at (Awb 7:5),
    whatever the objection's state."""
    locked = Objection.objects.select_for_update().select_related("decision", "application").get(pk=objection.pk)
    if locked.decision.decided_by_id == actor.pk:
        raise NotAllowed(_("You took the decision objected to; another official handles the objection."), code="decision_author")
    return locked


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not any(ch.isalnum() for ch in value):
        raise DomainError(message, fields={field: [message]})
    if len(value) > MAX_TEXT_CHARS:
        message = _("Keep it under %(n)s characters.") % {"n": MAX_TEXT_CHARS}
        raise DomainError(message, fields={field: [message]})
    return value


def objection_take(*, actor, objection: Objection) -> Objection:
    """Take the objection into handling: the actor becomes its handler (never the decision's author)."""
    refuse_unless(actor, HANDLING_OBJECTIONS, _("Only the licensing office handles objections."))
    with transaction.atomic():
        locked = _locked(objection, actor)
        OBJECTION.move(locked, ObjectionAction.TAKE, actor, extra_updates={"handler": actor})
    return locked


def objection_hearing_record(*, actor, objection: Objection, held_on: date, minutes: str) -> Objection:
    """Record the hearing (hoorzitting, Awb 7:2): the day it was held and its minutes (verslag, Awb 7:7)."""
    refuse_unless(actor, HANDLING_OBJECTIONS, _("Only the licensing office handles objections."))
    minutes = _text(minutes, "minutes", _("Write the minutes of the hearing."))
    if held_on is None or held_on > timezone.localdate():
        raise DomainError(_("Give the day the hearing was held (not a future day)."), fields={"held_on": [_("Give the day the hearing was held (not a future day).")]})
    with transaction.atomic():
        locked = _locked(objection, actor)
        if held_on < locked.lodged_at.date():
            raise DomainError(_("The hearing cannot precede the objection."), fields={"held_on": [_("The hearing cannot precede the objection.")]})
        OBJECTION.move(locked, ObjectionAction.RECORD_HEARING, actor, payload={"held_on": held_on.isoformat()}, extra_updates={"hearing_on": held_on, "hearing_minutes": minutes})
    return locked


def objection_extend(*, actor, objection: Objection, reason: str) -> Objection:
    """Extend the decision term once by six weeks (Awb 7:10(3)), with the reason the holder is given."""
    refuse_unless(actor, HANDLING_OBJECTIONS, _("Only the licensing office handles objections."))
    reason = _text(reason, "reason", _("Give the reason."))
    with transaction.atomic():
        locked = _locked(objection, actor)
        due_on = locked.due_on + OBJECTION_EXTENSION
        # The compare-and-set also requires it not extended yet: two extensions at once, one wins.
        OBJECTION.move(
            locked, ObjectionAction.EXTEND, actor, reason=reason, payload={"from": locked.due_on.isoformat(), "to": due_on.isoformat()},
            extra_updates={"due_on": due_on, "extension_reason": reason}, expect={"extended_at__isnull": True},
        )
    return locked


def objection_decide(*, actor, objection: Objection, outcome: str, reasons: str, command=None) -> Objection:
    """
    Decide on the objection (Awb 7:11) with the reasons the holder reads. Well-founded or partly well-founded: the
    decision objected to is revoked and `command` (a licences.decisions.DecideCommand) is the new decision in its
    place, recorded by the same decision services as any other: the old licence is replaced (or an old registration
    revoked), our old denial entries are withdrawn from the register, and the reports count the new decision only
    (models.in_force). Unfounded or inadmissible: the decision stands and no new one is given.
    """
    from .decisions import decide
    from .lifecycle import _tell, registration_revoke

    refuse_unless(actor, HANDLING_OBJECTIONS, _("Only the licensing office handles objections."))
    if outcome not in ObjectionOutcome.values:
        raise DomainError(_("Choose the decision on the objection."), fields={"outcome": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ObjectionOutcome.values)}]})
    reasons = _text(reasons, "reasons", _("Give the reasons the holder will read."))
    replacing = outcome in REPLACING_OUTCOMES
    if replacing and command is None:
        raise DomainError(_("A well-founded objection needs the new decision."), fields={"new_decision": [_("Give the new decision.")]})
    if not replacing and command is not None:
        raise DomainError(_("Only a well-founded objection brings a new decision."), fields={"new_decision": [_("Leave the new decision out.")]})
    with transaction.atomic():
        locked = _locked(objection, actor)
        OBJECTION.check(locked, ObjectionAction.DECIDE, actor, reason=reasons)
        new = None
        payload = {"outcome": outcome, "late": locked.late}
        if replacing:
            old = Decision.objects.select_for_update().get(pk=locked.decision_id)
            if old.replaced_by_id or old.application_id != locked.application_id:
                raise Conflict(_("The decision objected to was replaced in the meantime."))
            # Detached first: the application has one decision in force, and the new one takes its place.
            Decision.objects.filter(pk=old.pk).update(application=None)
            registration = Registration.objects.filter(decision=old, status=RegistrationStatus.ACTIVE).first()
            if registration is not None:
                registration_revoke(actor=actor, registration=registration, reason=_("Revoked on objection %(id)s.") % {"id": locked.pk})
            withdrawn = list(DenialRegisterEntry.objects.filter(decision=old, own=True, revoked_on__isnull=True).values_list("reference", flat=True))
            if withdrawn:
                DenialRegisterEntry.objects.filter(decision=old, own=True, revoked_on__isnull=True).update(revoked_on=timezone.localdate())
                event_record(actor=actor, verb="denial.withdrawn", target=locked.application, payload={"entries": withdrawn, "objection": locked.pk})
            decide(actor=actor, application=locked.application, command=command, on_objection=locked)
            new = Decision.objects.get(on_objection=locked)
            Decision.objects.filter(pk=old.pk).update(replaced_by=new)
            new_licence = Licence.objects.filter(decision=new).first()
            old_licence = Licence.objects.filter(decision=old, status__in=LIVE).first()
            if old_licence is not None:
                by = new_licence.number if new_licence else new.reference
                event = LICENCE.move(
                    old_licence, LicenceAction.REPLACE, actor, reason=reasons, payload={"by": by, "objection": locked.pk},
                    extra_updates={"status_reason": f"Replaced on objection by {by}."},
                )
                _tell(event.pk, old_licence)
            payload.update({"replaced": old.reference, "new_decision": new.reference})
        OBJECTION.move(
            locked, ObjectionAction.DECIDE, actor, reason=reasons, payload=payload,
            extra_updates={"outcome": outcome, "outcome_reasons": reasons, "new_decision": new},
        )
        mail_after_commit(objection_notify, locked.pk)
        notify_organisation(application=locked.application, kind=Notification.Kind.DECISION, actor=actor)
    return locked
