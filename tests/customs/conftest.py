"""A licence at the border: held by organisation A, to Norway, two lines (radar modules by the piece, cable by the metre)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from licensing.customs.mrn import check_character
from licensing.licences.models import Decision, Licence, LicenceLine, Outcome


def mrn(serial: int | str, year: str = "26", country: str = "NL") -> str:
    """A well-formed MRN with its check character, e.g. mrn(1) -> 26NL0000000000001?."""
    body = f"{year}{country}{str(serial).rjust(13, '0')}"
    return body + check_character(body)


@pytest.fixture
def customs(db):
    from tests.factories import UserFactory

    return UserFactory(username="customs1", role="customs", organisation=None)


@pytest.fixture
def licence(org_a):
    return make_licence(org_a)


def make_licence(org_a) -> Licence:
    today = timezone.localdate()
    decision = Decision.objects.create(reference="NL-AV-2026-0001", outcome=Outcome.ISSUED, decided_on=today, goods_kind="military", licence_kind="individual", movement="export")
    licence = Licence.objects.create(
        number="NL-AV-2026-0001", decision=decision, holder=org_a, holder_name=org_a.name, kind="individual", goods_kind="military", movement="export",
        valid_from=today - timedelta(days=30), valid_to=today + timedelta(days=335), value_eur=Decimal("130000.00"),
    )
    licence.destinations.set(["NO", "DK"])
    LicenceLine.objects.create(licence=licence, position=0, description="Radar transmitter module", control_entry="ML5", quantity=Decimal(4), unit="pcs", value_eur=Decimal("120000.00"))
    LicenceLine.objects.create(licence=licence, position=1, description="Shielded cable", control_entry="ML5", quantity=Decimal(100), unit="m", value_eur=Decimal("10000.00"))
    return licence


def write_off_body(licence, declaration, **overrides) -> dict:
    body = {
        "declaration": declaration, "licence": licence.number, "line": 1, "quantity": "1", "value_eur": "30000.00", "destination": "NO",
        "exported_on": timezone.localdate().isoformat(),
    }
    return body | overrides


@pytest.fixture
def registration(org_a):
    """Organisation A's registration for NL003 (to NO, IS, GB and the EU), registered ten days ago."""
    from licensing.licences.models import Registration
    from licensing.reference.models import GeneralLicence

    decision = Decision.objects.create(reference="REG-1", outcome=Outcome.ISSUED, decided_on=timezone.localdate(), goods_kind="military", licence_kind="general", movement="export")
    return Registration.objects.create(
        number="NL003-0001", general_licence=GeneralLicence.objects.get(code="NL003"), organisation=org_a, decision=decision,
        registered_on=timezone.localdate() - timedelta(days=10),
    )
