"""Agents and representatives: a person of one firm files for other organisations (issue 20, point 7).

A customs agent files for its clients, and an exporter established outside the EU needs a representative within it.
The organisation's administrator grants the agency to a person (an exporter of their own firm) with a role within
the organisation (`AGENT_ROLES`: never administrator) and revokes it; the agent switches between the organisations
it acts for (its own and theirs).

Acting is per request: `acting_start` checks a live agency and makes the request's user answer with the
organisation acted for and the agency's role (`User.act_for`), so every selector and service that scopes by
`user.organisation_id` scopes to it, and nothing else needs to know. The pages keep the choice in the session
(`ActingForMiddleware`), the API reads it from the `X-Acting-For` header (licensing.api.authentication). What the
agent does is recorded as theirs (the event's actor) on behalf of the organisation (the event's `on_behalf_of`,
licensing.audit.services); the person's own organisation is what `User.save` writes, always.
"""
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.audit.services import event_record
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound

from .models import AGENT_ROLES, Agency, Organisation

# The session key of the organisation the agent acts for on the pages; the header the API reads.
SESSION_KEY = "acting_for"
HEADER = "X-Acting-For"


def live_agencies():
    return Agency.objects.filter(revoked_at__isnull=True)


def _refuse_unless_manager(actor) -> None:
    if not (actor.is_exporter and actor.may_in_organisation("manage")):
        raise NotAllowed(_("Only your organisation's administrator grants and revokes agencies."))


def agency_grant(*, actor, agent: str, org_role: str) -> Agency:
    """The administrator lets a person of another firm (named by username or e-mail address) act for the
    organisation with `org_role`."""
    _refuse_unless_manager(actor)
    if org_role not in AGENT_ROLES:
        raise DomainError(_("Choose a role."), fields={"org_role": [_("Choose a role.")]})
    named = agent.strip()
    found = list(get_user_model().objects.filter(Q(username__iexact=named) | Q(email__iexact=named), is_active=True)[:2]) if named else []
    if len(found) != 1 or not found[0].is_exporter:
        # The same answer for nobody, an official and an ambiguous address: the form tells no one who has an account.
        raise DomainError(_("No exporter with this username or e-mail address (give the username if the address is shared)."),
                          fields={"agent": [_("No exporter with this username or e-mail address.")]})
    person = found[0]
    if person.organisation_id == actor.organisation_id:
        raise DomainError(_("%(name)s works for your organisation already: give them a role instead.") % {"name": person.username},
                          fields={"agent": [_("A colleague, not an agent.")]})
    try:
        with transaction.atomic():
            agency = Agency.objects.create(
                agent=person, organisation_id=actor.organisation_id, org_role=org_role, granted_by=actor, granted_at=timezone.now()
            )
            event_record(actor=actor, verb="organisation.agent_granted", target=agency.organisation, payload={"agent": person.username, "org_role": org_role})
    except IntegrityError:  # a live agency exists (the unique constraint decides, also for two grants at once)
        raise Conflict(_("%(name)s acts for your organisation already: revoke that agency first to change it.") % {"name": person.username}) from None
    return agency


def agency_revoke(*, actor, agency_id: int) -> Agency:
    """The administrator ends an agency; the agent's next request no longer acts for the organisation."""
    agency = live_agencies().filter(pk=agency_id, organisation_id=actor.organisation_id).select_related("agent", "organisation").first()
    if agency is None:  # another organisation's agency is not there at all, whoever asks
        raise NotFound(_("No such agency."))
    _refuse_unless_manager(actor)
    with transaction.atomic():
        now = timezone.now()
        if Agency.objects.filter(pk=agency.pk, revoked_at__isnull=True).update(revoked_at=now, revoked_by=actor) != 1:
            raise Conflict(_("This agency was revoked a moment ago."))
        event_record(actor=actor, verb="organisation.agent_revoked", target=agency.organisation, payload={"agent": agency.agent.username, "org_role": agency.org_role})
    agency.revoked_at, agency.revoked_by = now, actor
    return agency


def agencies_of(user):
    """The live agencies of this person (the organisations they may act for), by the organisation's name."""
    return live_agencies().filter(agent_id=user.pk).select_related("organisation").order_by("organisation__name", "pk")


def agents_of(organisation_id: int):
    """The agents who act for this organisation now, with their own firm."""
    return live_agencies().filter(organisation_id=organisation_id).select_related("agent", "agent__organisation").order_by("agent__username", "pk")


def acting_start(user, organisation_id) -> None:
    """Make `user` act for the organisation with id `organisation_id` for this request, or as themselves when it is
    their own. NotAllowed when they do not act for it: the same answer whether it exists or not."""
    try:
        organisation_id = int(organisation_id)
    except (TypeError, ValueError):
        raise NotAllowed(_("You do not act for that organisation.")) from None
    if not user.is_authenticated or not user.is_exporter:
        raise NotAllowed(_("You do not act for that organisation."))
    if organisation_id == user.home_organisation_id:
        user.act_for(None)
        return
    agency = live_agencies().filter(agent_id=user.pk, organisation_id=organisation_id).select_related("organisation").first()
    if agency is None:
        raise NotAllowed(_("You do not act for that organisation."))
    user.act_for(agency.organisation, agency.org_role)


def acting_choose(request, organisation_id) -> Organisation:
    """The agent switches on the pages: checked now, kept in the session and checked again on every request."""
    acting_start(request.user, organisation_id)
    if request.user.acting_for_id is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = request.user.acting_for_id
    return request.user.organisation


class ActingForMiddleware:
    """On the pages (and the API through the session), a person acts for the organisation chosen in the session
    while the agency is live; a revoked agency ends it on the next request, with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session and request.user.is_authenticated:
            try:
                acting_start(request.user, session[SESSION_KEY])
            except NotAllowed:
                del session[SESSION_KEY]
                messages.warning(request, _("You no longer act for that organisation: you are back in your own."))
        return self.get_response(request)
