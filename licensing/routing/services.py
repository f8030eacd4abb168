"""Routing of a filed application: the determination of every goods line to every destination, combined."""
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from licensing.accounts.models import Role
from licensing.applications.choices import GoodsKind, Kind, RecipientType
from licensing.applications.models import Application, Party
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
                    parties=parties,
                    hs_code=line.hs_code or "",
                )
            )
    return facts


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
    holder = Application.objects.filter(pk=application.pk).values_list("claimed_by__username", flat=True).first()
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
