"""
What a complete application needs before it may be submitted. Collects every problem at once, keyed by
field path (`goods[2].control_entry`), so the exporter sees everything that is wrong in one go.
"""
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.reference.control_list import LISTS_OF_GOODS_KIND, InvalidControlEntry, entry_fits_goods_kind, entry_parser
from licensing.reference.models import GroupCode
from licensing.reference.selectors import group_members

from .choices import Kind, Movement, Purpose
from .models import Application, Document, Party

NEEDS_PARTIES = {Kind.INDIVIDUAL, Kind.GLOBAL, Kind.SONDAGE}


def application_errors(application: Application) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    goods = list(application.goods.all())
    parties = list(application.parties.all())
    destinations = [c.code for c in application.destinations.all()]
    doc_types = {d.doc_type for d in application.documents.all()}
    kind = application.kind

    if kind == Kind.GENERAL_REGISTRATION:
        if not application.general_licence_id:
            errors["general_licence"].append(_("Choose the general licence you register for."))
        if not application.conditions_confirmed:
            errors["conditions_confirmed"].append(_("Confirm that you meet the general licence's conditions."))
        return dict(errors)

    # The guided start leaves both unchosen (nothing legally relevant is chosen for the exporter); the model's
    # defaults fill them for the one-page form and the API.
    if not application.end_use:
        errors["end_use"].append(_("Choose the end use."))
    if not application.purpose:
        errors["purpose"].append(_("Choose the purpose."))
    _check_destinations(application, kind, destinations, errors)
    if not goods:
        errors["goods"].append(_("Add at least one goods line."))
    parse = entry_parser()  # the control list's facts read once for all lines
    for index, line in enumerate(goods):
        _check_goods_line(kind, line, f"goods[{index}]", errors, parse)

    if kind in NEEDS_PARTIES:
        _check_parties(kind, parties, destinations, application.movement, errors)
    for index, party in enumerate(parties):
        if not party.country_id:
            errors[f"parties[{index}].country"].append(_("Give the party's country."))
        if not party.address.strip() and party.role in (Party.Role.CONSIGNEE, Party.Role.END_USER):
            errors[f"parties[{index}].address"].append(_("Give the party's address."))

    if kind == Kind.CLASSIFICATION and Document.DocType.TECHNICAL_DOCUMENTATION not in doc_types:
        errors["documents"].append(_("A classification request needs technical documentation: upload it first."))
    if kind == Kind.INDIVIDUAL and not doc_types & {Document.DocType.END_USER_CERTIFICATE, Document.DocType.END_USE_STATEMENT}:
        errors["documents"].append(_("An individual licence application needs an end-user certificate or end-use statement."))

    if application.movement == Movement.TRANSIT:
        if not application.origin_country_id:
            errors["origin_country"].append(_("A transit needs the country the goods come from."))
        elif application.origin_country_id in destinations:
            errors["origin_country"].append(_("The country of origin cannot also be the final destination."))
    if application.movement == Movement.BROKERING and application.brokering_value_eur is None:
        errors["brokering_value_eur"].append(_("Give the value of the brokering service in euro."))

    if application.temporary and application.movement != Movement.EXPORT:
        errors["temporary"].append(_("Only an export can be temporary."))
    asked = follow_ups(temporary=application.temporary, purpose=application.purpose)
    if asked["reimport_date"]:
        if not application.reimport_date:
            errors["reimport_date"].append(_("A temporary export needs the date the goods come back."))
        elif application.reimport_date <= timezone.localdate():
            errors["reimport_date"].append(_("The re-import date must lie in the future."))
    elif application.reimport_date:
        errors["reimport_date"].append(_("A re-import date only goes with a temporary export."))

    if asked["repaired_goods_from_netherlands"] and application.repaired_goods_from_netherlands is None:
        errors["repaired_goods_from_netherlands"].append(_("Say whether the repaired goods were earlier delivered from the Netherlands."))
    elif not asked["repaired_goods_from_netherlands"] and application.repaired_goods_from_netherlands is not None:
        errors["repaired_goods_from_netherlands"].append(_("Only a repair says where the goods were delivered from."))
    return dict(errors)


def follow_ups(*, temporary: bool, purpose: str | None) -> dict[str, bool]:
    """The follow-up questions and whether each applies: the date the goods come back, of a temporary export only;
    whether repaired goods were earlier delivered from the Netherlands, of a repair only. Asked (and required) when
    they apply, refused when they do not (application_errors), and shown only then (the guided pages)."""
    return {"reimport_date": bool(temporary), "repaired_goods_from_netherlands": purpose == Purpose.REPAIR}


def _check_destinations(application, kind, destinations, errors):
    if kind == Kind.CLASSIFICATION:
        if destinations:
            errors["destinations"].append(_("A classification request names no destination."))
        return
    if not destinations:
        errors["destinations"].append(_("Name at least one destination country."))
        return
    if kind in (Kind.INDIVIDUAL, Kind.SONDAGE) and len(destinations) > 1:
        errors["destinations"].append(_("An individual licence covers one destination; use a global licence for several."))
    eu = group_members(GroupCode.EU)
    if "NL" in destinations:
        errors["destinations"].append(_("The Netherlands cannot be a destination."))
    if application.movement == Movement.TRANSFER and any(code not in eu for code in destinations):
        errors["destinations"].append(_("A transfer goes to another EU member state; use export for destinations outside the EU."))
    if application.movement == Movement.EXPORT and any(code in eu for code in destinations):
        errors["destinations"].append(_("An export leaves the EU; use transfer for EU member states."))


def _check_goods_line(kind, line, path, errors, parse):
    if not line.description.strip():
        errors[f"{path}.description"].append(_("Describe the goods."))
    if kind == Kind.CLASSIFICATION:
        # The question is which entry applies: free text allowed, and no value is asked.
        if line.value_eur is not None:
            errors[f"{path}.value_eur"].append(_("A classification request asks for no value."))
        return
    if line.quantity is None or line.quantity <= 0:
        errors[f"{path}.quantity"].append(_("Give a quantity greater than zero."))
    if line.value_eur is None:
        errors[f"{path}.value_eur"].append(_("Give the value in euro."))
    elif line.value_eur < Decimal("0"):
        errors[f"{path}.value_eur"].append(_("The value cannot be negative."))
    if line.goods_kind in LISTS_OF_GOODS_KIND:
        if not line.control_entry:
            errors[f"{path}.control_entry"].append(_("Give the control-list entry (e.g. ML6, 3A001, ANNEX_III)."))
        else:
            try:
                parsed = parse(line.control_entry)
            except InvalidControlEntry as exc:
                errors[f"{path}.control_entry"].append(str(exc))
            else:
                if not entry_fits_goods_kind(parsed, line.goods_kind):
                    errors[f"{path}.control_entry"].append(
                        _("'%(code)s' is not on a list for %(kind)s.") % {"code": parsed.code, "kind": line.get_goods_kind_display().lower()}
                    )
    elif line.control_entry:
        errors[f"{path}.control_entry"].append(_("Unlisted goods have no control-list entry."))
    # An aluminium line without its smelt and cast declaration is submitted all the same and flagged for the office
    # (applications.aluminium.declaration_missing says why the seed asks no refusal).


def _check_parties(kind, parties, destinations, movement, errors):
    roles = [p.role for p in parties]
    if kind in (Kind.INDIVIDUAL, Kind.SONDAGE):
        if roles.count(Party.Role.END_USER) != 1:
            errors["parties"].append(_("Name exactly one end user."))
        if roles.count(Party.Role.CONSIGNEE) < 1:
            errors["parties"].append(_("Name the consignee."))
    elif not {Party.Role.END_USER, Party.Role.CONSIGNEE} & set(roles):
        errors["parties"].append(_("Name at least one consignee or end user."))
    if movement in (Movement.EXPORT, Movement.TRANSFER) and destinations:
        for index, party in enumerate(parties):
            if party.role == Party.Role.END_USER and party.country_id and party.country_id not in destinations:
                errors[f"parties[{index}].country"].append(_("The end user's country must be one of the destinations."))
