"""
The vetting of an organisation that registered itself: a machine of the one transition mechanism
(`licensing.audit.transitions`). The licensing office accepts it (it may then file) or refuses it with a reason.
Organisations an administrator makes are active from the start and never move.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _

from licensing.audit.transitions import Machine, Move

from .models import Organisation, OrganisationStatus, Role

# Who vets self-registered organisations: the licensing office (administrators stand in for it).
VETTING = (Role.OFFICER, Role.ADMINISTRATOR)


class OrganisationAction(models.TextChoices):
    # Past tense: the verbs organisation.accepted / organisation.refused read as what happened.
    ACCEPT = "accepted", _("Accept")
    REFUSE = "refused", _("Refuse")


ORGANISATION = Machine(
    name="organisation",
    model=Organisation,
    moves=(
        Move(OrganisationAction.ACCEPT, {OrganisationStatus.PENDING}, OrganisationStatus.ACTIVE, VETTING, sets_timestamp="vetted_at"),
        Move(OrganisationAction.REFUSE, {OrganisationStatus.PENDING}, OrganisationStatus.REFUSED, VETTING, sets_timestamp="vetted_at", reason_required=True),
    ),
    statuses=OrganisationStatus,
    actions=OrganisationAction,
    roles=Role,
    initial=OrganisationStatus.PENDING,
    not_found=_("No such organisation."),
    cannot=_("Cannot %(action)s an organisation that is %(status)s."),
    lost=_("This organisation was vetted by someone else in the meantime."),
)
