"""The office's triage: queues, claims (one winner), release, assignment, questions stopping the clock, referral."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from licensing.applications.models import Application, Status
from licensing.audit.models import Event
from tests.factories import SAUDI

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_submitted_case_lands_in_the_office_queue_with_deadline_and_routing(api_as, exporter_a, officer, submit):
    application = submit(exporter_a)
    items = api_as(officer).get("/api/v1/office/queue/").json()["results"]
    assert [i["reference"] for i in items] == [application.reference]
    item = items[0]
    assert item["queue"] == "licensing_office" and item["handler"] == "licensing_office" and item["claimed_by"] is None
    assert item["age_days"] == 0
    deadline = timezone.datetime.fromisoformat(item["deadline_at"])
    assert timedelta(days=55) < deadline - timezone.now() <= timedelta(days=56)


def test_ministry_case_is_flagged_and_referred_with_a_note(api_as, exporter_a, officer, advisor, submit):
    application = submit(exporter_a, **SAUDI)
    office = api_as(officer)
    item = office.get("/api/v1/office/queue/?flag=ministry").json()["results"][0]
    assert "ministry" in item["flags"]
    assert office.post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": ""}, format="json").status_code == 400
    response = office.post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Middle East: criteria 2, 4 and 7."}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "referred"
    assert office.get("/api/v1/office/queue/").json()["count"] == 0
    ministry = api_as(advisor).get("/api/v1/office/queue/").json()["results"]  # an advisor's default queue
    assert [i["reference"] for i in ministry] == [application.reference]
    assert Event.objects.get(verb="application.refer").reason == "Middle East: criteria 2, 4 and 7."


def test_work_instruction_can_refer_ministry_cases_directly(exporter_a, submit, settings):
    settings.REFER_MINISTRY_CASES_DIRECTLY = True
    assert submit(exporter_a, **SAUDI).status == Status.REFERRED
    assert submit(exporter_a).status == Status.IN_REVIEW  # office-alone cases stay


def test_claim_has_one_winner_and_release_puts_it_back(api_as, exporter_a, officer, officer2, submit):
    application = submit(exporter_a)
    first = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/claim/")
    assert first.status_code == 200 and first.json()["claimed_by"] == "officer1"
    second = api_as(officer2).post(f"/api/v1/office/applications/{application.pk}/claim/")
    assert second.status_code == 409 and "officer1" in second.json()["detail"]
    assert api_as(officer2).post(f"/api/v1/office/applications/{application.pk}/release/").status_code == 403
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/release/").status_code == 200
    assert api_as(officer2).post(f"/api/v1/office/applications/{application.pk}/claim/").status_code == 200
    assert api_as(officer).get("/api/v1/office/queue/?claimed=others").json()["count"] == 1
    assert api_as(officer).get("/api/v1/office/queue/?claimed=me").json()["count"] == 0


def test_assign_gives_the_case_to_a_colleague_of_the_same_desk(api_as, exporter_a, officer, officer2, advisor, submit):
    application = submit(exporter_a)
    client = api_as(officer)
    assert client.post(f"/api/v1/office/applications/{application.pk}/assign/", {"assignee": "advisor1"}, format="json").status_code == 400
    assert client.post(f"/api/v1/office/applications/{application.pk}/assign/", {"assignee": "nobody"}, format="json").status_code == 400
    response = client.post(f"/api/v1/office/applications/{application.pk}/assign/", {"assignee": "officer2"}, format="json")
    assert response.status_code == 200 and response.json()["claimed_by"] == "officer2"
    assert api_as(officer2).get("/api/v1/office/queue/?claimed=me").json()["count"] == 1


def test_question_stops_the_clock_and_the_answer_moves_the_deadline(api_as, exporter_a, officer, submit, monkeypatch):
    application = submit(exporter_a)
    deadline = application.deadline_at
    api_as(officer).post(f"/api/v1/office/applications/{application.pk}/questions/", {"text": "Which ships?"}, format="json")
    application.refresh_from_db()
    assert application.clock_stopped_at is not None
    assert "question_open" in api_as(officer).get("/api/v1/office/queue/").json()["results"][0]["flags"]

    # Ten days later the exporter answers: the deadline moves ten days.
    later = timezone.now() + timedelta(days=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    api_as(exporter_a).post(f"/api/v1/applications/{application.pk}/answer/", {"answer": "The frigates."}, format="json")
    application.refresh_from_db()
    assert application.clock_stopped_at is None
    assert timedelta(days=9, hours=23) < application.deadline_at - deadline <= timedelta(days=10, seconds=1)


def test_queue_filters_and_sorts_by_deadline(api_as, exporter_a, officer, submit):
    late = submit(exporter_a)
    early = submit(exporter_a, kind="sondage")
    Application.objects.filter(pk=early.pk).update(deadline_at=timezone.now() - timedelta(days=1))
    client = api_as(officer)
    refs = [i["reference"] for i in client.get("/api/v1/office/queue/").json()["results"]]
    assert refs == [early.reference, late.reference]
    assert [i["reference"] for i in client.get("/api/v1/office/queue/?flag=overdue").json()["results"]] == [early.reference]
    assert [i["reference"] for i in client.get("/api/v1/office/queue/?kind=sondage").json()["results"]] == [early.reference]
    assert client.get("/api/v1/office/queue/?kind=individual&kind=global").json()["count"] == 1  # any of the kinds
    assert client.get("/api/v1/office/queue/?kind=individual&kind=sondage").json()["count"] == 2
    assert client.get("/api/v1/office/queue/?kind=global").json()["count"] == 0
    assert client.get("/api/v1/office/queue/?kind=individual&kind=licence").status_code == 400
    assert [i["reference"] for i in client.get("/api/v1/office/queue/?ordering=-deadline_at").json()["results"]] == [late.reference, early.reference]


def test_queue_pages_cases_with_the_same_deadline_in_one_order(api_as, exporter_a, officer, submit):
    """Equal deadlines are ordered by id (either way), so a case never shows on two pages or on none."""
    cases = [submit(exporter_a) for _ in range(5)]
    Application.objects.filter(pk__in=[c.pk for c in cases]).update(deadline_at=timezone.now() + timedelta(days=10))
    client = api_as(officer)
    for ordering, ids in (("", sorted(c.pk for c in cases)), ("?ordering=-deadline_at", sorted((c.pk for c in cases), reverse=True))):
        separator = "&" if ordering else "?"
        pages = [client.get(f"/api/v1/office/queue/{ordering}{separator}page_size=2&page={n}").json()["results"] for n in (1, 2, 3)]
        assert [item["id"] for page in pages for item in page] == ids


def test_queue_runs_a_constant_number_of_queries_whatever_the_page_size(api_as, exporter_a, officer, submit):
    client = api_as(officer)
    submit(exporter_a)
    client.get("/api/v1/office/queue/")  # the token's first use reads it from the database; both counts below are warm
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/office/queue/?page_size=50")
    for _ in range(6):
        submit(exporter_a, **SAUDI)
    with CaptureQueriesContext(connection) as seven:
        assert client.get("/api/v1/office/queue/?page_size=50").json()["count"] == 7
    assert len(seven) == len(one) <= 10


def test_exporters_have_no_queue(api_as, exporter_a):
    assert api_as(exporter_a).get("/api/v1/office/queue/").status_code == 403


def test_exporter_never_sees_the_claimant(api_as, exporter_a, officer, submit):
    application = submit(exporter_a)
    api_as(officer).post(f"/api/v1/office/applications/{application.pk}/claim/")
    assert api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/").json()["claimed_by"] is None


def test_amendment_is_determined_again_and_changes_the_queue(api_as, exporter_a, officer, submit, django_capture_on_commit_callbacks):
    original = submit(exporter_a)
    assert original.handler == "licensing_office"
    api_as(officer).post(f"/api/v1/office/applications/{original.pk}/claim/")
    client = api_as(exporter_a)
    amendment = client.post(f"/api/v1/applications/{original.pk}/amend/").json()
    client.patch(f"/api/v1/applications/{amendment['id']}/", SAUDI, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/applications/{amendment['id']}/submit/").status_code == 200
    amended = Application.objects.get(pk=amendment["id"])
    assert amended.handler == "ministry" and amended.status == Status.IN_REVIEW
    assert amended.claimed_by == officer  # the case stays with the officer who had it
    item = api_as(officer).get("/api/v1/office/queue/").json()["results"]
    assert [(i["reference"], "ministry" in i["flags"], "amended" in i["flags"]) for i in item] == [(amended.reference, True, True)]


@pytest.mark.django_db(transaction=True)
def test_two_officers_claiming_at_once_have_exactly_one_winner(reference_db):
    import threading

    from licensing.applications.services import reference_next
    from licensing.core.errors import Conflict
    from licensing.routing.services import case_claim
    from tests.factories import UserFactory

    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is proven on PostgreSQL in CI")
    exporter = UserFactory()
    officers = [UserFactory(role="officer", organisation=None) for _ in range(2)]
    application = Application.objects.create(
        reference=reference_next(), organisation=exporter.organisation, created_by=exporter, kind="individual", status=Status.IN_REVIEW
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def claim(officer):
        from django.db import connections

        try:
            stale = Application.objects.get(pk=application.pk)
            barrier.wait()
            case_claim(actor=officer, application=stale)
            outcomes.append("won")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "won"]
    assert Event.objects.filter(verb="case.claimed").count() == 1


def test_queue_rows_are_what_the_documented_serializer_writes(api_as, exporter_a, officer, submit):
    """The queue writes its rows from values(); they must stay exactly QueueItemOut's (the schema's) rows."""
    from licensing.api.office import QueueItemOut
    from licensing.routing.selectors import queue_cases

    plain = submit(exporter_a)
    ministry = submit(exporter_a, **SAUDI)
    client = api_as(officer)
    client.post(f"/api/v1/office/applications/{plain.pk}/claim/")
    client.post(f"/api/v1/office/applications/{ministry.pk}/questions/", {"text": "Which ships?"}, format="json")
    Application.objects.filter(pk=plain.pk).update(deadline_at=timezone.now() - timedelta(days=1), version=2)
    rows = client.get("/api/v1/office/queue/").json()["results"]
    expected = QueueItemOut(queue_cases("licensing_office"), many=True).data
    assert rows == [dict(item) for item in expected] and len(rows) == 2
    assert list(rows[0]) == list(QueueItemOut().fields)  # the same keys in the same order
    assert {"overdue", "amended"} <= set(rows[0]["flags"]) and rows[0]["claimed_by"] == officer.username


def test_a_claim_on_a_case_read_before_another_claimed_it_names_the_holder(api_as, exporter_a, officer, officer2, submit):
    """The loser of a claim holds the case as it was read, unclaimed: the holder is read again, not taken from the
    stale row (which has none, and raised AttributeError instead of the Conflict)."""
    from licensing.core.errors import Conflict
    from licensing.routing.services import case_claim

    application = submit(exporter_a)
    stale = Application.objects.select_related("claimed_by").get(pk=application.pk)
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/claim/").status_code == 200
    with pytest.raises(Conflict, match="officer1"):
        case_claim(actor=officer2, application=stale)
