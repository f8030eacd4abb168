"""Customs' pages: a customs officer checks a licence or registration for a declaration and sees its write-offs."""
import pytest
from django.test import Client

from tests.factories import PASSWORD

from .conftest import mrn, write_off_body


def signed_in(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_customs_lands_on_the_check_and_sees_what_remains_per_line_and_the_write_offs(api_as, customs, licence):
    api_as(customs).post("/api/v1/customs/write-offs/", write_off_body(licence, mrn(1)), format="json")
    client = signed_in(customs)

    assert client.get("/", follow=True).redirect_chain[-1][0] == "/customs/"
    page = client.get("/customs/", {"number": licence.number, "destination": "cn"}).content.decode()

    assert licence.holder_name in page and "Active" in page and "DK, NO" in page
    assert "3 pcs" in page and "90,000.00" in page  # line 1 after the write-off: 3 of 4 modules, EUR 90,000 remain
    assert mrn(1) in page
    assert "Not covered" in page and "does not cover exports to CN" in page


def test_a_registration_shows_its_general_licences_destinations_and_terms_and_an_unknown_number_says_so(api_as, customs, registration):
    client = signed_in(customs)

    page = client.get("/customs/", {"number": registration.number, "destination": "NO"}).content.decode()
    unknown = client.get("/customs/", {"number": "NL-NOPE-1"}).content.decode()

    assert "Registration NL003-0001 for NL003" in page and "Covered" in page and registration.general_licence.conditions[:40] in page
    assert "No licence or registration NL-NOPE-1." in unknown


def test_the_page_is_in_dutch_too(customs, licence):
    page = signed_in(customs, "nl").get("/customs/", {"number": licence.number}).content.decode()
    assert "Vergunning controleren" in page and "Wat per regel resteert" in page


@pytest.mark.parametrize("persona", ["exporter_a", "officer", "advisor"])
def test_only_customs_opens_the_check(request, persona, licence):
    assert signed_in(request.getfixturevalue(persona)).get("/customs/", {"number": licence.number}).status_code == 403


def test_the_holder_sees_the_write_offs_of_its_registration(api_as, customs, registration, exporter_a):
    body = {"declaration": mrn(7), "licence": registration.number, "line": 1, "quantity": "1", "value_eur": "800.00", "destination": "NO", "exported_on": registration.registered_on.isoformat()}
    assert api_as(customs).post("/api/v1/customs/write-offs/", body, format="json").status_code == 201

    page = signed_in(exporter_a).get(f"/licences/{registration.number}/").content.decode()

    assert mrn(7) in page and "800.00" in page
