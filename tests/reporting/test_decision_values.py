"""What a decision keeps for the report: the value applied for (table 3 values denials too) and the end use (table 5)."""
from decimal import Decimal

import pytest

from licensing.licences.models import Decision
from licensing.reporting import tables

from .conftest import DAY

pytestmark = pytest.mark.django_db
YEAR = tables.Period(DAY.year)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def decide(api_as, officer, application, body, countersigned=None):
    office = api_as(officer)
    response = office.post(f"/api/v1/office/applications/{application.pk}/decision/", body, format="json")
    if response.status_code == 400 and "screening" in response.json()["detail"].lower():
        for hit in office.get(f"/api/v1/office/applications/{application.pk}/screening/").json()["hits"]:
            office.post(f"/api/v1/office/applications/{application.pk}/screening/{hit['id']}/disposition/", {"disposition": "false_positive", "reason": "Checked."}, format="json")
        response = office.post(f"/api/v1/office/applications/{application.pk}/decision/", body, format="json")
    if countersigned is not None:
        countersigned(response)  # a denial waits for a second officer
    else:
        assert response.status_code == 201, response.json()
    return Decision.objects.get(application=application)


def test_a_denial_keeps_the_value_applied_for_and_the_end_use(api_as, exporter_a, officer, submit, countersigned):
    application = submit(exporter_a)
    decision = decide(api_as, officer, application, {"outcome": "denied", "criteria": [7], "reasons": "Risk of diversion."}, countersigned)
    assert decision.value_eur == Decimal("168000.00")  # 120,000 + 48,000: the goods lines
    assert (decision.end_use, decision.end_use_description) == ("military", "Spare parts for coastal surveillance radars.")


def test_an_issued_decision_keeps_the_licence_value(api_as, exporter_a, officer, submit):
    application = submit(exporter_a)
    decision = decide(api_as, officer, application, {"outcome": "issued"})
    assert decision.value_eur == decision.licence.value_eur == Decimal("168000.00")


def test_table_3_sums_the_values_of_denials_by_kind(deny):
    deny("DU-1", goods_kind="dual_use", destination="CN", value_eur="9000000.00")
    deny("DU-2", goods_kind="dual_use", destination="RU", value_eur="250.50")
    deny("DU-3", goods_kind="dual_use", kind="global", destination="IR", value_eur="95000000.00")
    deny("DU-4", goods_kind="unlisted", destination="PK", catch_all=True, value_eur="10.00")
    deny("ML-1", goods_kind="military", value_eur="1.00")  # not dual-use
    table = tables.dual_use_table(YEAR)
    assert [(r.kind, r.denied_count, r.denied_value_eur) for r in table.rows] == [
        ("individual", 2, Decimal("9000250.50")),
        ("global", 1, Decimal("95000000.00")),
        ("intra_eu", 0, Decimal("0.00")),
        ("catch_all", 1, Decimal("10.00")),
    ]
    assert table.total.denied_value_eur == Decimal("104000260.50") and table.missing == []


def test_denials_without_a_recorded_value_are_named_not_guessed(deny):
    deny("DU-OLD", goods_kind="dual_use", destination="CN")  # decided before values were kept
    deny("DU-NEW", goods_kind="dual_use", destination="RU", value_eur="5.00")
    deny("DU-OLD-GLOBAL", goods_kind="dual_use", kind="global", destination="CN")
    table = tables.dual_use_table(YEAR)
    rows = {r.kind: r for r in table.rows}
    assert rows["individual"].denied_value_eur == Decimal("5.00")  # the known part
    assert rows["global"].denied_value_eur is None  # nothing known
    assert table.total.denied_value_eur is None
    assert table.missing and table.missing[0].startswith("denied_value_eur: 2 denial(s)")


def test_table_5_shows_the_end_use_of_each_annex(issue):
    for reference, entry, end_use, description in [
        ("AT-1", "ANNEX_III.2.1", "civil", "Rechtshandhaving"),
        ("AT-2", "ANNEX_III.2.1", "civil", "  Rechtshandhaving "),
        ("AT-3", "ANNEX_IV.1", "civil", "Veterinair, medisch en farmaceutisch"),
        ("AT-4", "ANNEX_IV.1", "museum", ""),
    ]:
        licence = issue(reference, goods_kind="anti_torture", lines=[(entry, "100.00")], destinations=["CW"])
        Decision.objects.filter(pk=licence.decision_id).update(end_use=end_use, end_use_description=description)
    rows = {r.annex: r for r in tables.anti_torture_table(YEAR).rows}
    assert rows["III"].end_use == "Rechtshandhaving"
    assert rows["IV"].end_use == "Display in a museum; Veterinair, medisch en farmaceutisch"


def test_table_5_names_imported_licences_without_an_end_use(issue):
    issue("AT-IMPORTED", goods_kind="anti_torture", lines=[("ANNEX_IV.1", "100.00")], destinations=["GB"])
    table = tables.anti_torture_table(YEAR)
    assert table.rows[0].end_use is None and "end_use" in table.missing[0]
