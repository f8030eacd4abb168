"""The earlier decisions an official sees beside a case (licences.selectors.prior_information): same destination,
same consignee or end user, found through the office search's index whatever the number of decisions to that
destination."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.licences.selectors import prior_information
from tests.factories import application_submitted, decision_recorded


def _parties(end_user: str, consignee: str = "Forsvarsmateriell", country: str = "NO") -> list[dict]:
    return [
        {"role": "consignee", "name": consignee, "address": "Postboks 800", "country": country, "party_type": "government"},
        {"role": "end_user", "name": end_user, "address": "Bergen", "country": country, "party_type": "company"},
    ]


def _decided(exporter, officer, end_user: str, outcome: str = "issued", consignee: str = "Forsvarsmateriell", country: str = "NO"):
    application = application_submitted(exporter, parties=_parties(end_user, consignee, country), destinations=[country])
    fields = {"criteria": [7], "reasons": "Risk of diversion."} if outcome == "denied" else {}
    return decision_recorded(officer, application, outcome=outcome, **fields)


def _queries(application) -> int:
    with CaptureQueriesContext(connection) as ctx:
        prior_information(application)
    return len(ctx.captured_queries)


def test_earlier_decisions_are_those_naming_the_same_end_user_to_the_same_destination(exporter_a, officer):
    _decided(exporter_a, officer, "Bergen Naval Systems AS", consignee="US Navy", country="US")  # another destination
    _decided(exporter_a, officer, "Oslo Optics AS", consignee="Oslo Optics AS")  # other parties, same destination
    denied = _decided(exporter_a, officer, "Bergen Naval Systems AS", outcome="denied")
    case = application_submitted(exporter_a, parties=_parties("Bergen Naval Systems AS"))

    prior = prior_information(case)

    assert [d["reference"] for d in prior["decisions"]] == [denied.reference]
    assert prior["decisions"][0]["outcome"] == "denied"
    assert "Bergen Naval Systems AS" in prior["decisions"][0]["parties"]


def test_the_end_user_written_in_another_script_is_found(exporter_a, officer):
    """The search index holds the names as the screening normaliser folds them: Cyrillic letters find the Latin name."""
    earlier = _decided(exporter_a, officer, "Rosoboronexport")
    case = application_submitted(exporter_a, parties=_parties("Рособоронэкспорт"))

    assert [d["reference"] for d in prior_information(case)["decisions"]] == [earlier.reference]


def test_the_query_count_does_not_grow_with_the_decisions_to_the_destination(exporter_a, officer):
    """Reading every decision to the destination and comparing its parties grew with the destination's decisions
    (and missed what was older than the newest 200); the index reads only the cases naming the party."""
    _decided(exporter_a, officer, "Bergen Naval Systems AS")
    case = application_submitted(exporter_a, parties=_parties("Bergen Naval Systems AS"))
    before = _queries(case)
    for n in range(6):
        _decided(exporter_a, officer, f"Other Yard {n} AS", consignee=f"Other Yard {n} AS")

    assert _queries(case) == before
    assert len(prior_information(case)["decisions"]) == 1
