"""Decisions as the reporting reads them: licences with lines and destinations, and our denials."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from licensing.denials.models import DenialRegisterEntry
from licensing.licences.models import Decision, Licence, LicenceLine, Outcome, ParliamentNotification, Registration, UsageReport
from licensing.reference.control_list import parse_entry

DAY = date(2024, 3, 15)


@pytest.fixture
def issue(db):
    """issue("REF", destinations=["DE"], lines=[("ML6", "100.00")], ...) -> an issued Licence with its Decision."""

    def make(
        reference: str,
        *,
        destinations=("DE",),
        lines=(("ML6", "100.00"),),
        goods_kind="military",
        movement="export",
        kind="individual",
        decided_on: date = DAY,
        temporary=False,
        return_after_repair=False,
        repaired_goods_from_netherlands=None,
        replaces: Licence | None = None,
        catch_all=False,
        complete_system=False,
        brokering_value_eur=None,
        origin=None,
    ) -> Licence:
        decision = Decision.objects.create(
            reference=reference, outcome=Outcome.ISSUED, decided_on=decided_on, goods_kind=goods_kind, licence_kind=kind, movement=movement, catch_all=catch_all
        )
        licence = Licence.objects.create(
            number=reference,
            decision=decision,
            holder_name="Company A B.V.",
            kind=kind,
            goods_kind=goods_kind,
            movement=movement,
            valid_from=decided_on,
            valid_to=decided_on + timedelta(days=730),
            value_eur=sum((Decimal(v) for _, v in lines), Decimal(0)),
            temporary=temporary,
            return_after_repair=return_after_repair,
            # By default a return after repair is of goods earlier delivered from the Netherlands (the one left out).
            repaired_goods_from_netherlands=return_after_repair if repaired_goods_from_netherlands is None else repaired_goods_from_netherlands,
            replaces=replaces,
            complete_system=complete_system,
            brokering_value_eur=brokering_value_eur,
            origin_country_id=origin,
        )
        licence.destinations.set(destinations)
        for position, (entry, value) in enumerate(lines):
            LicenceLine.objects.create(
                licence=licence,
                position=position,
                description=f"Goods under {entry}",
                control_entry=parse_entry(entry).code,
                ml_category=parse_entry(entry).ml_category or "",
                value_eur=Decimal(value),
            )
        return licence

    return make


@pytest.fixture
def deny(db):
    def make(
        reference: str, *, destination="IL", goods_kind="military", kind="individual", movement="export", decided_on: date = DAY, catch_all=False,
        criteria=(2, 7), value_eur: str | None = None,
    ):
        decision = Decision.objects.create(
            reference=reference, outcome=Outcome.DENIED, decided_on=decided_on, goods_kind=goods_kind, licence_kind=kind, movement=movement,
            catch_all=catch_all, criteria=list(criteria), value_eur=None if value_eur is None else Decimal(value_eur),
        )
        DenialRegisterEntry.objects.create(
            reference=reference, own=True, notifying_state_id="NL", notified_on=decided_on, destination_id=destination,
            goods_description="Ballistic helmets", quantity="52 pcs", control_entry="ML13", consignee="Yakhin Hakal Ltd.",
            end_user="Israeli Defence Forces", criteria=list(criteria), decision=decision,
        )
        return decision

    return make


@pytest.fixture
def notify(db):
    def make(licence: Licence, *, due_on: date, sent_on: date | None = None) -> ParliamentNotification:
        return ParliamentNotification.objects.create(licence=licence, due_on=due_on, sent_on=sent_on)

    return make


@pytest.fixture
def report(exporter_a):
    """report(destination=, value=, registration= or licence=, movement=, origin=, entry=) -> a UsageReport;
    report.registration("NL008") -> exporter A's registration for that general licence."""

    def registration(code: str):
        decision = Decision.objects.create(
            reference=f"REG-{code}", outcome="issued", decided_on=date(2023, 1, 2), goods_kind="military" if code.startswith("NL") and code != "NL900" else "dual_use",
            licence_kind="general", movement="export",
        )
        return Registration.objects.create(number=f"{code}-1", general_licence_id=code, organisation=exporter_a.organisation, decision=decision, registered_on=decision.decided_on)

    def make(*, destination: str, value: str, exported_on=date(2024, 5, 1), registration=None, licence=None, movement="export", origin=None, entry="ML6"):
        return UsageReport.objects.create(
            organisation=exporter_a.organisation, reported_by=exporter_a, registration=registration, licence=licence, exported_on=exported_on,
            destination_id=destination, movement=movement, origin_id=origin, control_entry=entry, ml_category=entry if entry.startswith("ML") else "",
            quantity=Decimal(1), value_eur=Decimal(value), recipient="Bundeswehr",
        )

    make.registration = registration
    return make
