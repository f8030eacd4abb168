"""A re-screen chunk is one transaction with one statement per kind of write; it must give exactly what screening
the same applications one at a time gives: hits (with the false-positive memory and confirmed matches), flags,
serial numbers, the screening rows and the events, with the audit chain intact."""
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.applications.models import GoodsLine
from licensing.audit.models import Event
from licensing.screening.models import COMPUTED_FLAGS, ApplicationScreening, Disposition, ScreeningFlag, ScreeningHit, SerialNumber
from licensing.screening.name_index import name_index
from licensing.screening.cases import application_screen, applications_screen

from .conftest import parties
from .test_application_screening import ROSOBORONEXPORT, dispose, hits

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("high_priority_items")]


def line(**fields):
    base = {"goods_kind": "military", "description": "Flight controller boards", "control_entry": "ML11", "quantity": "10", "value_eur": "5000.00"}
    return {**base, **fields}


@pytest.fixture
def cases(eu_list, exporter_a, officer, submit, api_as):
    """Applications with every kind of outcome, screened once at submission, two of them disposed of."""
    made = [
        submit(exporter_a, **ROSOBORONEXPORT),
        submit(exporter_a, **ROSOBORONEXPORT),  # the same party: the first's false positive covers it
        submit(exporter_a, parties=parties(intermediate_consignee=("Polar Star Components Ltd", "HK"), broker=("Gulf Bridge Trading", "AE"))),
        submit(
            exporter_a,
            destinations=["KZ"],
            parties=parties(consignee=("Steppe Industrial", "KZ"), end_user=("Steppe Industrial", "KZ")),
            goods=[line(hs_code="8542.31", serial_numbers="SN-1\nsn 1\nSN-2"), line(hs_code="8471.30")],
        ),
        submit(exporter_a, goods=[line(goods_kind="unlisted", control_entry="", hs_code="7604.21", first_smelt_country="RU", last_cast_country="NO", lot_numbers="LOT-9")]),
        submit(exporter_a),
    ]
    [rosoboronexport] = hits(made[0])
    assert dispose(api_as, officer, made[0], rosoboronexport, "false_positive", "Another company of that name.").status_code == 200
    [polar_star] = hits(made[2])
    assert dispose(api_as, officer, made[2], polar_star, "true_match", "Same address.").status_code == 200
    return made


def forget(applications) -> None:
    """What a change of threshold or algorithm does: the open hits and computed flags are to be worked out again."""
    ids = [a.pk for a in applications]
    ScreeningHit.objects.filter(application_id__in=ids, disposition=Disposition.OPEN).delete()
    ScreeningFlag.objects.filter(application_id__in=ids, kind__in=COMPUTED_FLAGS).delete()
    SerialNumber.objects.filter(application_id__in=ids).delete()
    ApplicationScreening.objects.filter(application_id__in=ids).update(parties=0)


def outcome(applications, events_after: int) -> dict:
    ids = [a.pk for a in applications]
    return {
        "hits": sorted(
            ScreeningHit.objects.filter(application_id__in=ids).values_list(
                "application_id", "party_id", "party_key", "source", "entry_reference", "entry_hash", "entry_id", "matched_name", "score", "algorithm", "disposition"
            )
        ),
        "flags": sorted(ScreeningFlag.objects.filter(application_id__in=ids).values_list("application_id", "kind", "reason", "goods_line_id", "party_id")),
        "serials": sorted(SerialNumber.objects.filter(application_id__in=ids).values_list("application_id", "goods_line_id", "kind", "value", "normalised")),
        "screened": sorted(ApplicationScreening.objects.filter(application_id__in=ids).values_list("application_id", "algorithm", "parties")),
        "events": sorted(Event.objects.filter(pk__gt=events_after).values_list("verb", "target_id", "payload")),
    }


def last_event() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_a_chunk_gives_exactly_what_screening_one_at_a_time_gives(cases):
    forget(cases)
    before = last_event()
    for application in cases:
        application_screen(application_id=application.pk)
    one_at_a_time = outcome(cases, before)

    forget(cases)
    before = last_event()
    results = applications_screen(application_ids=[a.pk for a in cases])
    as_a_chunk = outcome(cases, before)

    assert as_a_chunk == one_at_a_time
    # The outcome is the one the cases call for, not merely the same twice.
    # No open hit: the false positive covers both Rosoboronexports, the confirmed match stays confirmed.
    assert [(hit[4], hit[-1]) for hit in as_a_chunk["hits"]] == [("900101", "false_positive"), ("900106", "true_match")]
    assert {kind for _, kind, *_ in as_a_chunk["flags"]} == {"sanctions_match", "intermediary_risk_country", "high_priority_destination", "russian_aluminium"}
    serials = [(s[0], s[4]) for s in as_a_chunk["serials"]]
    assert [v for pk, v in serials if pk == cases[3].pk] == ["SN1", "SN2"] and [v for pk, v in serials if pk == cases[4].pk] == ["LOT9"]
    assert results[cases[3].pk].flags == ["high_priority_destination"] and results[cases[5].pk].hits_open == 0
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=out)
    assert "intact" in out.getvalue()


def test_a_chunk_raises_new_hits_with_one_event_each_in_a_valid_chain(eu_list, exporter_a, submit):
    applications = [submit(exporter_a, **ROSOBORONEXPORT) for _ in range(3)] + [submit(exporter_a)]
    ScreeningHit.objects.all().delete()
    before = last_event()
    results = applications_screen(application_ids=[a.pk for a in applications])
    raised = Event.objects.filter(pk__gt=before).order_by("id")
    assert [(e.verb, e.target_id) for e in raised] == [("screening.hits_raised", str(a.pk)) for a in applications[:3]]
    assert [r.hits_raised for r in results.values()] == [1, 1, 1, 0]
    out = io.StringIO()
    call_command("verify_audit", stdout=out, stderr=out)
    assert "intact" in out.getvalue()


def test_a_chunk_done_again_changes_nothing(cases):
    ids = [a.pk for a in cases]
    applications_screen(application_ids=ids)
    before = last_event()
    first = outcome(cases, before)
    hit_ids = sorted(ScreeningHit.objects.filter(application_id__in=ids).values_list("id", flat=True))
    applications_screen(application_ids=ids)
    assert outcome(cases, before) == first and first["events"] == []
    assert sorted(ScreeningHit.objects.filter(application_id__in=ids).values_list("id", flat=True)) == hit_ids


def test_a_chunk_costs_the_queries_of_one_application(cases):
    index = name_index()  # as a re-screen run matches: the lists in memory

    def queries(ids) -> int:
        with CaptureQueriesContext(connection) as captured:
            applications_screen(application_ids=ids, index=index, refresh_denials=False)
        return len(captured)

    one = queries([cases[3].pk])
    assert queries([a.pk for a in cases]) <= one + 1  # whatever the chunk's size (+1: more than one kind of hit write)


def test_a_chunk_skips_drafts_and_unknown_ids(cases, exporter_a, api_as):
    from tests.factories import application_payload

    draft = api_as(exporter_a).post("/api/v1/applications/", application_payload(**ROSOBORONEXPORT), format="json").json()
    results = applications_screen(application_ids=[draft["id"], cases[5].pk, 999999])
    assert list(results) == [cases[5].pk]
    assert not ScreeningHit.objects.filter(application_id=draft["id"]).exists()


def test_a_chunk_keeps_serial_rows_that_are_right_and_mends_the_rest(cases):
    ids = [a.pk for a in cases]
    steppe = cases[3]
    kept = SerialNumber.objects.get(application_id=steppe.pk, normalised="SN1")
    line = GoodsLine.objects.get(pk=kept.goods_line_id)
    GoodsLine.objects.filter(pk=line.pk).update(serial_numbers="SN-1\nSN-3")  # SN-2 gone, SN-3 new
    SerialNumber.objects.create(application_id=steppe.pk, goods_line_id=line.pk, kind=kept.kind, value=kept.value, normalised=kept.normalised)  # a copy
    applications_screen(application_ids=ids)
    assert SerialNumber.objects.filter(pk=kept.pk).exists()  # left alone, not written again
    as_mended = outcome(cases, last_event())["serials"]
    forget(cases)
    applications_screen(application_ids=ids)
    assert as_mended == outcome(cases, last_event())["serials"]
    assert [s[4] for s in as_mended if s[0] == steppe.pk] == ["SN1", "SN3"]
