import pytest

from tests.factories import licence_issued, registration_issued


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def issued(officer):
    """issued(exporter, **overrides) -> a licence decided by the office (military to Norway by default)."""
    return lambda user, **overrides: licence_issued(user, officer, **overrides)


@pytest.fixture
def registered(officer):
    """registered(exporter, code) -> the exporter's accepted registration for general licence `code`."""
    return lambda user, code: registration_issued(user, officer, code)


def row(target, **overrides):
    from django.utils import timezone

    base = {
        "licence": target.number,
        "exported_on": timezone.localdate().isoformat(),
        "destination": "NO",
        "control_entry": "ML5",
        "quantity": "1",
        "value_eur": "30000.00",
        "recipient": "Royal Norwegian Navy",
        "serial_numbers": "SN-1",
        "lot_numbers": "",
    }
    base.update(overrides)
    return base
