"""Routing of a filed application: the determination of every goods line to every destination, combined."""
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from licensing.accounts.models import Role
from licensing.applications.choices import CATCH_ALL_GROUNDS, CatchAllGround, GoodsKind, Handler, Kind, Movement, RecipientType
from licensing.applications.models import Application, CatchAllRequirement, Notification, Party, Status
from licensing.applications.notifications import notify_organisation
from licensing.applications.workflow import Action, application_move
from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed
from licensing.core.permissions import refuse_unless

from .determination import Determination, Facts, FiredRule, combine, determine


def _recipient_type(application: Application) -> str:
    """The end user's kind, in the determination's terms (a certified company holds a 2009/43 certificate)."""
    end_user = next((p for p in application.parties.all() if p.role == Party.Role.END_USER), None)
    if end_user is None:
        return RecipientType.COMPANY
    if end_user.party_type == Party.PartyType.COMPANY and end_user.certificate_number:
        return RecipientType.CERTIFIED_COMPANY
    return end_user.party_type


def application_facts(application: Application) -> list[Facts]:
    """One set of facts per goods line and destination; every party's country goes with each (see
    licensing.applications.parties)."""
    recipient = _recipient_type(application)
    catch_all = catch_all_imposed(application)
    parties = tuple((p.role, p.country_id) for p in application.parties.all() if p.country_id)
    facts = []
    for destination in application.destinations.all():
        for line in application.goods.all():
            facts.append(
                Facts(
                    goods_kind=line.goods_kind,
                    movement=application.movement,
                    destination=destination.code,
                    control_entry=line.control_entry or None,
                    value_eur=line.value_eur or Decimal("0"),
                    complete_system=line.complete_system,
                    end_use=application.end_use,
                    recipient_type=recipient,
                    purpose=application.purpose,
                    temporary=application.temporary,
                    catch_all=catch_all,
                    parties=parties,
                    hs_code=line.hs_code or "",
                )
            )
    return facts


def catch_all_imposed(application: Application) -> bool:
    """Whether the office or the ministry imposed a catch-all on the application (read once, then remembered)."""
    try:
        application.catch_all_requirement
    except CatchAllRequirement.DoesNotExist:
        return False
    return True


OFFICE_KINDS = {
    Kind.CLASSIFICATION: FiredRule(
        "kind.classification",
        gettext_lazy(
            "A classification request is answered by the licensing office with the technical specialists of Customs "
            "and the ministry."
        ),
    ),
    Kind.GENERAL_REGISTRATION: FiredRule(
        "kind.general_registration", gettext_lazy("A registration for a general licence is handled by the licensing office.")
    ),
}


def application_determination(application: Application) -> Determination:
    """The combined determination for a submitted application (classification requests have no destination)."""
    if application.kind in OFFICE_KINDS:
        return Determination(
            licence_required=False,
            prohibited=False,
            handler="licensing_office",
            general_licences=(),
            fast_track_parliament=False,
            rules=(OFFICE_KINDS[application.kind],),
        )
    return combine(determine(f) for f in application_facts(application) if f.goods_kind in GoodsKind.values)


# --- the queues: claim, release, assign, refer ---------------------------------------------------------
CLAIMANT_ROLES = {"licensing_office": {Role.OFFICER, Role.ADMINISTRATOR}, "ministry": {Role.ADVISOR, Role.ADMINISTRATOR}}


def _queue_of(application: Application) -> str:
    queue = application.queue
    if queue is None:
        raise Conflict(_("An application that is %(status)s is in no queue.") % {"status": application.get_status_display().lower()})
    return queue


def _may_work_on(user, queue: str) -> bool:
    return user.effective_role in CLAIMANT_ROLES[queue]


def desk_colleagues(application: Application):
    """Whom the case can be assigned to: the active officials of the desk that holds it (the rule case_assign
    applies), by name; none for a case in no queue."""
    queue = application.queue
    if queue is None:
        return get_user_model().objects.none()
    roles = CLAIMANT_ROLES[queue]
    of_the_desk = Q(role__in=roles)
    if Role.ADMINISTRATOR in roles:
        of_the_desk |= Q(is_superuser=True)  # a superuser is an administrator whatever its stored role
    return get_user_model().objects.filter(of_the_desk, is_active=True).order_by("last_name", "first_name", "username")


def queue_actions(*, actor, application: Application) -> list[str]:
    """Which of claim, release and assign `actor` may do on the case now, by the rules case_claim, case_release and
    case_assign apply (for the case page's buttons; the services still decide when the move is made)."""
    queue = application.queue
    if queue is None or not _may_work_on(actor, queue):
        return []
    if application.claimed_by_id is None:
        return ["claim", "assign"]
    release = application.claimed_by_id == actor.pk or actor.has_role(Role.ADMINISTRATOR)
    return ["release", "assign"] if release else ["assign"]


def case_claim(*, actor, application: Application) -> Application:
    """Take the case. Of two people claiming at once exactly one wins; the other gets a Conflict."""
    queue = _queue_of(application)
    if not _may_work_on(actor, queue):
        raise NotAllowed(_("This case is in another desk's queue."))
    with transaction.atomic():
        now = timezone.now()
        won = Application.objects.filter(pk=application.pk, status=application.status, claimed_by__isnull=True).update(claimed_by=actor, claimed_at=now)
        if not won:
            # Read now: the case as loaded was unclaimed when the other claim won (or its status has moved on).
            holder = Application.objects.filter(pk=application.pk).values_list("claimed_by__username", flat=True).first()
            raise Conflict(_("This case was already claimed by %(holder)s.") % {"holder": holder} if holder else _("The case changed; reload and try again."))
        application.claimed_by, application.claimed_at = actor, now
        event_record(actor=actor, verb="case.claimed", target=application, payload={"queue": queue})
    return application


def case_release(*, actor, application: Application) -> Application:
    """Put the case back in the queue; only its claimant (or an administrator) may."""
    if application.claimed_by_id != actor.pk and not actor.has_role(Role.ADMINISTRATOR):
        raise NotAllowed(_("Only the officer who claimed the case can release it."))
    with transaction.atomic():
        if not Application.objects.filter(pk=application.pk, claimed_by_id=application.claimed_by_id).update(claimed_by=None, claimed_at=None):
            raise Conflict(_("The case changed; reload and try again."))
        event_record(actor=actor, verb="case.released", target=application, payload={"from": application.claimed_by_id})
        application.claimed_by, application.claimed_at = None, None
    return application


def case_assign(*, actor, application: Application, assignee) -> Application:
    """Give the case to a colleague of the same desk (a team lead's move; any official of the desk may)."""
    queue = _queue_of(application)
    if not _may_work_on(actor, queue):
        raise NotAllowed(_("This case is in another desk's queue."))
    if assignee is None or not assignee.is_active or not _may_work_on(assignee, queue):
        raise DomainError(_("Assign the case to an active colleague of the desk that holds it."), fields={"assignee": [_("Not a colleague of this desk.")]})
    with transaction.atomic():
        now = timezone.now()
        if not Application.objects.filter(pk=application.pk, status=application.status, claimed_by_id=application.claimed_by_id).update(claimed_by=assignee, claimed_at=now):
            raise Conflict(_("The case changed; reload and try again."))
        event_record(actor=actor, verb="case.assigned", target=application, payload={"to": assignee.username, "from": application.claimed_by_id})
        application.claimed_by, application.claimed_at = assignee, now
    return application


def case_ensure_claimant(*, actor, application: Application) -> None:
    """A claimed case is moved on (referred, decided) by the official who claimed it. Anyone else first has it
    released or assigned to them, so two officials never decide one case unknowingly. Administrators may act on
    any case: they stand in for an absent claimant (the event log records who acted)."""
    if not application.claimed_by_id or application.claimed_by_id == actor.pk or actor.has_role(Role.ADMINISTRATOR):
        return
    holder = application.claimed_by.username  # joined by the case's query where it shows the case (with_details)
    raise NotAllowed(
        _("%(holder)s has claimed this case; ask them to release it, or have it assigned to you.") % {"holder": holder}, code="claimed_by_another"
    )


# Who refers a case to the ministry: the licensing office.
REFERRING = (Role.OFFICER, Role.ADMINISTRATOR)


def application_refer(*, actor, application: Application, note: str) -> Application:
    """Refer to the ministry with a note; the case leaves the office's hands (the ministry claims it anew)."""
    refuse_unless(actor, REFERRING, _("Only the licensing office refers a case to the ministry."))
    if not note.strip():
        raise DomainError(_("Write a note for the ministry."), fields={"note": [_("Write a note for the ministry.")]})
    case_ensure_claimant(actor=actor, application=application)
    return application_move(
        application=application, action=Action.REFER, actor=actor, reason=note, extra_updates={"claimed_by": None, "claimed_at": None}
    )


# --- catch-all: an ad-hoc licence requirement imposed by the desk that holds the case ---------------------------
IMPOSING = (Role.OFFICER, Role.ADVISOR, Role.ADMINISTRATOR)


def catch_all_goods_of(application: Application) -> list:
    """The goods lines a catch-all can reach: unlisted goods (Art. 4 of Regulation (EU) 2021/821), and dual-use items
    in transit or brokered, which need no licence without one (Art. 6 and 7)."""
    reaches = {GoodsKind.UNLISTED}
    if application.movement in (Movement.TRANSIT, Movement.BROKERING):
        reaches.add(GoodsKind.DUAL_USE)
    return [line for line in application.goods.all() if line.goods_kind in reaches]


def catch_all_impose(*, actor, application: Application, ground: str, information: str) -> CatchAllRequirement:
    """
    Impose the catch-all (catch-all besluit) on the application: its unlisted goods become licensable for its
    destinations on `ground`, the routing runs again with that fact (the ministry decides: rule handler.catch_all),
    and the exporter is told. `information` is what the requirement rests on, kept for the officials.

    Only the desk that holds the case imposes it, once, while the case is in review or referred; the grounds are
    those the seed names for the movement (applications.choices.CATCH_ALL_GROUNDS).
    """
    refuse_unless(actor, IMPOSING, _("Only the licensing office or the ministry imposes a catch-all."))
    information = (information or "").strip()
    with transaction.atomic():
        locked = Application.objects.select_for_update().prefetch_related("destinations", "goods", "parties").get(pk=application.pk)
        queue = _queue_of(locked)
        if not _may_work_on(actor, queue):
            raise NotAllowed(_("This case is in another desk's queue."))
        case_ensure_claimant(actor=actor, application=locked)
        if catch_all_imposed(locked):
            raise Conflict(_("A catch-all was already imposed on this application."))
        errors: dict[str, list[str]] = {}
        allowed = CATCH_ALL_GROUNDS.get(locked.movement, ())
        if not allowed:
            errors["ground"] = [_("A catch-all reaches exports, transit and brokering; a transfer within the EU is no export.")]
        elif ground not in allowed:
            errors["ground"] = [
                _("For %(movement)s the grounds are: %(grounds)s.")
                % {"movement": locked.get_movement_display().lower(), "grounds": "; ".join(str(CatchAllGround(g).label).lower() for g in allowed)}
            ]
        if not catch_all_goods_of(locked):
            errors["goods"] = [
                _("A catch-all reaches unlisted goods (and dual-use items in transit or brokered); this application has none.")
            ]
        if not information:
            errors["information"] = [_("Say what information the catch-all rests on.")]
        if errors:
            messages = [m for msgs in errors.values() for m in msgs]
            raise DomainError(messages[0] if len(messages) == 1 else _("The catch-all cannot be imposed."), fields=errors)
        requirement = CatchAllRequirement.objects.create(
            application=locked, ground=ground, information=information, imposed_by=actor,
            imposed_by_desk=Handler.MINISTRY if queue == "ministry" else Handler.LICENSING_OFFICE,
        )
        locked.catch_all_requirement = requirement
        determination = application_determination(locked)
        with translation.override("en"):  # the record keeps the rule texts in English, as routing does
            stored = determination.as_dict()
        application_move(
            application=locked,
            action=Action.IMPOSE_CATCH_ALL,
            actor=actor,
            payload={"ground": ground, "handler": determination.handler, "rules": [r.id for r in determination.rules]},
            extra_updates={"determination": stored, "handler": determination.handler or ""},
        )
        notify_organisation(application=locked, kind=Notification.Kind.CATCH_ALL, actor=actor)
        if locked.status == Status.IN_REVIEW and determination.handler == Handler.MINISTRY and settings.REFER_MINISTRY_CASES_DIRECTLY:
            # As routing does on submission: where the work instruction says so, a ministry case goes there at once.
            application_move(
                application=locked, action=Action.REFER, actor=None, reason="Referred directly under the work instruction (catch-all).",
                extra_updates={"claimed_by": None, "claimed_at": None},
            )
    application.refresh_from_db(fields=["status", "determination", "handler", "claimed_by", "claimed_at", "updated_at"])  # the caller's copy follows
    return requirement
