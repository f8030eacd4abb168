"""Declarations arriving at the border in parallel, on real PostgreSQL connections (one thread each): the licence
line is never overdrawn, each declaration counts once, and a reversal gives back exactly what it wrote off."""
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from licensing.audit.models import Event
from licensing.customs.models import CustomsWriteOff
from licensing.licences.models import LicenceStatus
from tests.customs.conftest import make_licence, mrn, write_off_body

from .test_concurrency import at_once

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PARALLEL = 50


def customs_client():
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    user = UserFactory(username="customs1", role="customs", organisation=None)
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_fifty_declarations_at_once_never_overdraw_a_line_and_each_counts_once(real_postgresql, org_a):
    """Line 1 authorises 4 modules: of 50 declarations of one module each, exactly 4 are written off and the licence
    is used up on line 1 only (line 2 still has cable left, so the licence stays active)."""
    licence = make_licence(org_a)
    api = customs_client()
    bodies = [write_off_body(licence, mrn(n), quantity="1", value_eur="1000.00") for n in range(PARALLEL)]

    responses = at_once(*(lambda b=b: api.post("/api/v1/customs/write-offs/", b, format="json") for b in bodies))

    codes = [r.status_code for r in responses]
    assert codes.count(201) == 4 and codes.count(409) == PARALLEL - 4, codes
    assert all(r.json()["code"] == "overdrawn" for r in responses if r.status_code == 409)
    assert CustomsWriteOff.objects.filter(line__position=0).count() == 4
    assert Event.objects.filter(verb="licence.written_off").count() == 4
    line = api.get(f"/api/v1/customs/licences/{licence.number}/").json()["lines"][0]
    assert (line["remaining_quantity"], line["remaining_value_eur"]) == ("0.000", "116000.00")


def test_the_same_declaration_sent_fifty_times_at_once_counts_once_and_answers_the_same(real_postgresql, org_a):
    licence = make_licence(org_a)
    api = customs_client()
    body = write_off_body(licence, mrn(7), line=2, quantity="10", value_eur="1000.00")

    responses = at_once(*(lambda: api.post("/api/v1/customs/write-offs/", body, format="json") for _ in range(PARALLEL)))

    assert sorted({r.status_code for r in responses}) == [200, 201] and [r.status_code for r in responses].count(201) == 1
    assert len({r.content for r in responses}) == 1  # the same answer to every copy
    assert CustomsWriteOff.objects.count() == 1
    assert CustomsWriteOff.objects.get().quantity == Decimal(10)


def test_a_reversal_racing_write_offs_leaves_an_exact_balance(real_postgresql, org_a):
    """The last module is written off (the licence's line 1 is used up) while an earlier declaration is reversed:
    whatever the order, what remains is what the licence authorises minus what stands."""
    licence = make_licence(org_a)
    api = customs_client()
    for n in range(4):
        assert api.post("/api/v1/customs/write-offs/", write_off_body(licence, mrn(n), quantity="1", value_eur="1000.00"), format="json").status_code == 201

    reversal, *attempts = at_once(
        lambda: api.post(f"/api/v1/customs/write-offs/{mrn(0)}/reverse/", {"reason": "Declaration invalidated."}, format="json"),
        *(lambda n=n: api.post("/api/v1/customs/write-offs/", write_off_body(licence, mrn(100 + n), quantity="1", value_eur="1000.00"), format="json") for n in range(5)),
    )

    assert reversal.status_code == 200
    written = [r.status_code for r in attempts].count(201)
    assert written <= 1
    standing = CustomsWriteOff.objects.filter(line__position=0, reversed_at__isnull=True).count()
    assert standing == 3 + written <= 4
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.ACTIVE
