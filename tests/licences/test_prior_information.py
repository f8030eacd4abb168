"""The earlier decisions an official sees beside a case (licences.selectors.prior_information): same destination,
same consignee or end user, found through the office search's index whatever the number of decisions to that
destination."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.applications.models import Application
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


@pytest.mark.django_db(transaction=True)
def test_the_answer_is_kept_until_a_decision_or_a_denial_is_recorded(reference_db, exporter_a, officer):
    """Outside a transaction the answer is cached under what it reads: viewed again it costs one query (the newest
    decision and denial); a new decision or denial-register entry anywhere is a new key, so it is never missed."""
    from datetime import date

    from licensing.denials.models import DenialRegisterEntry

    first = _decided(exporter_a, officer, "Bergen Naval Systems AS")
    case = application_submitted(exporter_a, parties=_parties("Bergen Naval Systems AS"))
    case = Application.objects.prefetch_related("destinations", "parties", "goods").get(pk=case.pk)
    assert [d["reference"] for d in prior_information(case)["decisions"]] == [first.reference]
    assert _queries(case) == 1

    second = _decided(exporter_a, officer, "Bergen Naval Systems AS", outcome="denied")
    assert [d["reference"] for d in prior_information(case)["decisions"]] == [second.reference, first.reference]
    assert _queries(case) == 1

    assert "DE-2026-0001" not in [d["reference"] for d in prior_information(case)["denials"]]
    DenialRegisterEntry.objects.create(
        reference="DE-2026-0001", notifying_state_id="DE", notified_on=date.today(), destination_id="NO", control_entry="ML1",
        consignee="Forsvarsmateriell", end_user="Bergen Naval Systems AS", criteria=[7],
    )
    assert "DE-2026-0001" in [d["reference"] for d in prior_information(case)["denials"]]


def test_inside_a_transaction_nothing_is_cached(exporter_a, officer):
    """A test's transaction (or any other) may hold a decision not yet committed: the answer is read each time."""
    _decided(exporter_a, officer, "Bergen Naval Systems AS")
    case = application_submitted(exporter_a, parties=_parties("Bergen Naval Systems AS"))
    assert _queries(case) == _queries(case) > 1
