"""Routing of a filed application: the determination of every goods line to every destination, combined."""
from decimal import Decimal

from licensing.applications.choices import GoodsKind, Kind, RecipientType
from licensing.applications.models import Application, Party

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
    """One set of facts per goods line and destination."""
    recipient = _recipient_type(application)
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
                )
            )
    return facts


OFFICE_KINDS = {
    Kind.CLASSIFICATION: FiredRule(
        "kind.classification",
        "A classification request is answered by the licensing office with the technical specialists of Customs and the ministry.",
    ),
    Kind.GENERAL_REGISTRATION: FiredRule(
        "kind.general_registration", "A registration for a general licence is handled by the licensing office."
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
