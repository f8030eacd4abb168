"""Registrations for a general licence at the border: checked by number like a licence (holder, status, the general
licence's destinations and terms) and written off by quantity and value without a balance."""

import pytest
from django.utils import timezone

from licensing.audit.models import Event
from licensing.customs import services
from licensing.customs.models import CustomsWriteOff
from licensing.licences.models import RegistrationStatus
from licensing.licences.usage import general_licence_refusal

from .conftest import mrn

URL = "/api/v1/customs/write-offs/"


def body(registration, declaration_, **overrides) -> dict:
    return {
        "declaration": declaration_, "licence": registration.number, "line": 1, "quantity": "3", "value_eur": "4500.00", "destination": "NO",
        "exported_on": timezone.localdate().isoformat(),
    } | overrides


def test_customs_checks_a_registration_holder_status_and_the_general_licences_destinations_and_terms(api_as, customs, registration):
    response = api_as(customs).get(f"/api/v1/customs/licences/{registration.number}/")

    assert response.status_code == 200, response.content
    answer = response.json()
    assert (answer["kind"], answer["number"], answer["general_licence"], answer["holder"], answer["status"]) == (
        "registration", registration.number, "NL003", registration.organisation.name, "active",
    )
    assert answer["valid_from"] == registration.registered_on.isoformat() and answer["valid_to"] is None
    assert {"NO", "IS", "GB", "DE", "FR"} <= set(answer["destinations"])  # named, and the EU group's members
    assert answer["destination_rule"] == "listed" and answer["movements"] == ["transfer", "export"]
    assert answer["conditions"] == registration.general_licence.conditions and answer["lines"] == []


@pytest.mark.parametrize("destination", ["NO", "DE", "CN", "RU"])
def test_the_destination_check_answers_as_the_general_licences_rule_for_usage_reports_does(api_as, customs, registration, licence, destination):
    api = api_as(customs)
    check = api.get(f"/api/v1/customs/licences/{registration.number}/", {"destination": destination.lower()}).json()["destination_check"]

    refusal = general_licence_refusal(registration.general_licence, destination, on=timezone.localdate())
    assert check == {"destination": destination, "covered": refusal is None, "reason": refusal}
    # A licence answers the same question from its own destinations.
    on_licence = api.get(f"/api/v1/customs/licences/{licence.number}/", {"destination": destination}).json()["destination_check"]
    assert on_licence["covered"] is (destination in {"NO", "DK"})


def test_a_registration_is_written_off_without_a_balance_and_a_retry_counts_once(api_as, customs, registration):
    api = api_as(customs)
    first = api.post(URL, body(registration, mrn(1)), format="json")
    retry = api.post(URL, body(registration, mrn(1)), format="json")
    second_item = api.post(URL, body(registration, mrn(1), line=2, quantity="1", value_eur="100.00"), format="json")
    # No balance: a value far above anything else is recorded all the same.
    large = api.post(URL, body(registration, mrn(2), value_eur="99999999.00"), format="json")

    assert first.status_code == 201, first.content
    assert retry.status_code == 200 and retry.json() == first.json()
    assert first.json()["licence"] == registration.number
    assert second_item.status_code == 201 and large.status_code == 201
    assert CustomsWriteOff.objects.filter(registration=registration).count() == 3
    assert Event.objects.filter(verb="registration.written_off", target_id=str(registration.pk)).count() == 3
    assert api.post(URL, body(registration, mrn(1), value_eur="1.00"), format="json").json()["code"] == "declaration_differs"


@pytest.mark.parametrize(
    "overrides, status, code",
    [
        ({"destination": "CN"}, 400, "wrong_destination"),
        ({"destination": "RU"}, 400, "wrong_destination"),
        ({"exported_on": "2000-01-01"}, 400, "licence_not_yet_valid"),
        ({"declaration": "26NL000000000000X1"}, 400, "invalid_mrn"),
    ],
)
def test_a_refused_registration_write_off_says_why_and_records_nothing(api_as, customs, registration, overrides, status, code):
    response = api_as(customs).post(URL, body(registration, mrn(1), **overrides), format="json")

    assert response.status_code == status and response.json()["code"] == code, response.content
    assert not CustomsWriteOff.objects.exists()


def test_a_revoked_registration_is_not_written_off(api_as, customs, officer, registration):
    from licensing.licences.lifecycle import registration_revoke

    registration_revoke(actor=officer, registration=registration, reason="End-user certificates missing.")
    assert registration.status == RegistrationStatus.REVOKED
    api = api_as(customs)

    refused = api.post(URL, body(registration, mrn(1)), format="json")

    assert refused.status_code == 409 and refused.json()["code"] == "licence_not_active"
    assert api.get(f"/api/v1/customs/licences/{registration.number}/").json()["status"] == "revoked"
    assert not CustomsWriteOff.objects.exists()


def test_a_reversal_covers_the_registrations_and_the_licences_items_of_a_declaration(api_as, customs, registration, licence):
    from .conftest import write_off_body

    api = api_as(customs)
    assert api.post(URL, body(registration, mrn(1)), format="json").status_code == 201
    assert api.post(URL, write_off_body(licence, mrn(1)), format="json").status_code == 201

    reversed_ = api.post(f"/api/v1/customs/write-offs/{mrn(1)}/reverse/", {"reason": "Declaration invalidated"}, format="json")

    assert reversed_.status_code == 200, reversed_.content
    assert sorted(w["licence"] for w in reversed_.json()["write_offs"]) == sorted([registration.number, licence.number])
    assert all(w["reversed_at"] for w in reversed_.json()["write_offs"])
    assert Event.objects.filter(verb="registration.write_off_reversed", target_id=str(registration.pk)).count() == 1


def test_a_write_off_is_against_a_licence_line_or_a_registration_never_both(customs, registration, licence):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CustomsWriteOff.objects.create(
            declaration=mrn(1), licence=licence, line=licence.lines.first(), registration=registration, line_number=1, quantity=1, value_eur=1,
            destination_id="NO", exported_on=timezone.localdate(), created_by=customs,
        )


def test_the_border_and_the_usage_reports_share_one_destination_rule(registration):
    for destination in ("NO", "DE", "CN", "RU", "IL"):
        on = timezone.localdate()
        assert services.registration_destination_refusal(registration, destination, on=on) == general_licence_refusal(registration.general_licence, destination, on=on)
