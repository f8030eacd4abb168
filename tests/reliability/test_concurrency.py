"""
Races decided by the database, through the API, with real parallel connections: each request runs in its own
thread with its own PostgreSQL connection, released together by a barrier. Exactly one wins; the other gets a
clear answer; the data stays consistent.

Already proven elsewhere: two officers claiming (tests/routing/test_triage.py), two moves of the same application
at the service level (tests/applications/test_workflow.py), concurrent audit writers (tests/audit/test_chain.py).
"""
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from licensing.applications.models import Application, Status
from licensing.assessment.models import AssessmentStatus
from licensing.audit.models import Event
from licensing.licences.models import Decision, Licence, LicenceLine, UsageReport, UsageUpload
from tests.factories import SAUDI, application_submitted

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def at_once(*calls):
    """Run each call in its own thread (own database connection) at the same moment; their results in order."""
    from django.db import connections

    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert not any(isinstance(r, Exception) for r in results), results
    return results


def assert_conflict(response):
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "conflict"


def test_two_advisors_countersigning_at_once_one_agrees_one_returns_exactly_one_counts(tasks_in_process, api_as, exporter_a, officer, advisor, advisor2):
    from tests.factories import UserFactory

    advisor3 = UserFactory(username="advisor3", role="advisor", organisation=None)
    application = application_submitted(exporter_a, **SAUDI)  # outside EU/NATO+: an approval needs a second advisor
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Please advise."}, format="json").status_code == 200
    author = api_as(advisor)
    base = f"/api/v1/ministry/applications/{application.pk}/assessment"
    assert author.post(f"{base}/", format="json").status_code == 201
    for number in range(1, 9):
        assert author.put(f"{base}/findings/{number}/", {"finding": "no_concern", "reasoning": f"Criterion {number} weighed."}, format="json").status_code == 200
    assert author.post(f"{base}/advice/", {"advice": "approve"}, format="json").json()["status"] == AssessmentStatus.AWAITING_COUNTERSIGNATURE

    agree, disagree = api_as(advisor2), api_as(advisor3)
    signed, returned = at_once(
        lambda: agree.post(f"{base}/countersign/", {"agree": True}, format="json"),
        lambda: disagree.post(f"{base}/countersign/", {"agree": False, "reason": "The end user is not convincing."}, format="json"),
    )

    assert sorted([signed.status_code, returned.status_code]) == [200, 409]
    assert_conflict(returned if signed.status_code == 200 else signed)
    application.refresh_from_db()
    assessment = application.assessments.get()
    moves = Event.objects.filter(verb__in=["assessment.countersigned", "assessment.returned"])
    if signed.status_code == 200:
        assert (assessment.status, assessment.countersigned_by, assessment.return_reason) == (AssessmentStatus.FINAL, advisor2, "")
        assert list(moves.values_list("verb", flat=True)) == ["assessment.countersigned"]
        assert application.status == Status.ADVICE_GIVEN
    else:
        assert (assessment.status, assessment.countersigned_by) == (AssessmentStatus.RETURNED, None)
        assert list(moves.values_list("verb", flat=True)) == ["assessment.returned"]
        assert application.status == Status.REFERRED  # the advice was not given
    assert Event.objects.filter(verb="application.advise").count() == (1 if signed.status_code == 200 else 0)


def test_two_advisors_confirming_at_once_sign_once(tasks_in_process, api_as, exporter_a, officer, advisor, advisor2):
    from tests.factories import UserFactory

    advisor3 = UserFactory(username="advisor3", role="advisor", organisation=None)
    application = application_submitted(exporter_a, **SAUDI)
    api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Please advise."}, format="json")
    author = api_as(advisor)
    base = f"/api/v1/ministry/applications/{application.pk}/assessment"
    author.post(f"{base}/", format="json")
    for number in range(1, 9):
        author.put(f"{base}/findings/{number}/", {"finding": "no_concern", "reasoning": f"Criterion {number} weighed."}, format="json")
    author.post(f"{base}/advice/", {"advice": "approve"}, format="json")

    first, second = api_as(advisor2), api_as(advisor3)
    responses = at_once(*(lambda c=c: c.post(f"{base}/countersign/", {"agree": True}, format="json") for c in (first, second)))

    assert sorted(r.status_code for r in responses) == [200, 409]
    assert_conflict(next(r for r in responses if r.status_code == 409))
    winner = next(r for r in responses if r.status_code == 200).json()["countersigned_by"]
    assert application.assessments.get().countersigned_by.username == winner
    assert Event.objects.filter(verb="assessment.countersigned").count() == 1
    assert Event.objects.filter(verb="application.advise").count() == 1


def test_the_same_usage_report_uploaded_twice_at_once_counts_once(tasks_in_process, api_as, exporter_a, officer):
    """The usage API's contract for a repeat is 200 with "duplicate": true (the first answer's upload), not an error:
    a client that retries an upload it believes lost must not be told it failed."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    application = application_submitted(exporter_a)
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json").status_code == 201
    licence = Licence.objects.get(decision__application=application)
    today = timezone.localdate().isoformat()
    body = (
        "licence,exported_on,destination,control_entry,quantity,value_eur,recipient,serial_numbers,lot_numbers\n"
        f"{licence.number},{today},NO,ML5,1,30000.00,Royal Norwegian Navy,SN-1,\n"
        f"{licence.number},{today},NO,ML6,4,12000.00,Royal Norwegian Navy,,\n"
    ).encode()
    clients = [api_as(exporter_a), api_as(exporter_a)]

    responses = at_once(
        *(lambda c=c: c.post("/api/v1/usage-reports/upload/", {"file": SimpleUploadedFile("usage.csv", body, content_type="text/csv")}, format="multipart") for c in clients)
    )

    assert sorted(r.status_code for r in responses) == [200, 201], [r.content for r in responses]
    created = next(r for r in responses if r.status_code == 201).json()
    repeat = next(r for r in responses if r.status_code == 200).json()
    assert (created["created"], created["duplicate"]) == (2, False)
    assert (repeat["created"], repeat["duplicate"], repeat["upload_id"]) == (0, True, created["upload_id"])
    assert UsageUpload.objects.count() == 1 and UsageReport.objects.count() == 2
    used = dict(LicenceLine.objects.filter(licence=licence).values_list("control_entry", "used_quantity"))
    assert used == {"ML5": 1, "ML6": 4}
    assert Event.objects.filter(verb="usage.reported").count() == 1


def test_two_different_usage_reports_at_once_cannot_exceed_the_licence_together(tasks_in_process, api_as, exporter_a, officer):
    """Each report alone fits the licence (4 radar modules); together they would not: exactly one is recorded."""
    from django.utils import timezone

    application = application_submitted(exporter_a)
    api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json")
    licence = Licence.objects.get(decision__application=application)
    row = {"licence": licence.number, "exported_on": timezone.localdate().isoformat(), "destination": "NO", "control_entry": "ML5", "quantity": "3",
           "value_eur": "90000.00", "recipient": "Royal Norwegian Navy", "serial_numbers": "", "lot_numbers": ""}
    clients = [api_as(exporter_a), api_as(exporter_a)]

    responses = at_once(*(lambda c=c, n=n: c.post("/api/v1/usage-reports/", [{**row, "serial_numbers": f"SN-{n}"}], format="json") for n, c in enumerate(clients)))

    assert sorted(r.status_code for r in responses) == [201, 400], [r.content for r in responses]
    refused = next(r for r in responses if r.status_code == 400).json()
    assert refused["code"] == "invalid_rows" and refused["fields"]["rows"]
    line = LicenceLine.objects.get(licence=licence, control_entry="ML5")
    assert (line.used_quantity, UsageReport.objects.count(), UsageUpload.objects.count()) == (3, 1, 1)


def test_a_decision_racing_a_withdrawal_through_the_api_leaves_one_outcome(tasks_in_process, api_as, exporter_a, officer):
    application = application_submitted(exporter_a)
    assert application.status == Status.IN_REVIEW
    office, exporter = api_as(officer), api_as(exporter_a)

    decided, withdrawn = at_once(
        lambda: office.post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json"),
        lambda: exporter.post(f"/api/v1/applications/{application.pk}/withdraw/", {"reason": "The order was cancelled."}, format="json"),
    )

    assert sorted([decided.status_code, withdrawn.status_code]) in ([201, 409], [200, 409]), (decided.content, withdrawn.content)
    application.refresh_from_db()
    if decided.status_code == 201:
        assert_conflict(withdrawn)
        assert application.status == Status.ISSUED
        assert Licence.objects.filter(decision__application=application).count() == 1
    else:
        assert withdrawn.status_code == 200
        assert_conflict(decided)
        assert application.status == Status.WITHDRAWN
        # Nothing of the losing decision remains: no decision record, no licence.
        assert not Decision.objects.filter(application=application).exists() and not Licence.objects.exists()
    assert Event.objects.filter(target_id=str(application.pk), verb__in=["application.issue", "application.withdraw"]).count() == 1


def test_two_answers_to_the_last_two_open_questions_at_once_restart_the_clock_once(tasks_in_process, api_as, exporter_a, officer):
    """Issue 17: each answer asks whether another question is still open; at once, neither may leave the clock
    stopped for good (both saw the other open) nor move the deadline twice."""
    application = application_submitted(exporter_a)
    office = api_as(officer)
    first = office.post(f"/api/v1/office/applications/{application.pk}/questions/", {"text": "First?"}, format="json").json()
    second = office.post(f"/api/v1/office/applications/{application.pk}/questions/", {"text": "Second?"}, format="json").json()
    stopped = Application.objects.get(pk=application.pk)

    def answer(qid):
        return lambda: api_as(exporter_a).post(f"/api/v1/applications/{application.pk}/questions/{qid}/answer/", {"text": f"Answer to {qid}."}, format="multipart")

    results = at_once(answer(first["id"]), answer(second["id"]))
    assert [r.status_code for r in results] == [201, 201], [r.content for r in results]
    after = Application.objects.get(pk=application.pk)
    assert after.clock_stopped_at is None
    moved = after.deadline_at - stopped.deadline_at
    assert timedelta(0) < moved <= timezone.now() - stopped.clock_stopped_at  # once, by the time it stood still
    assert Event.objects.filter(verb="application.answer_question", target_id=str(application.pk)).count() == 2


def test_two_objections_to_one_decision_at_once_one_is_received_the_other_409(tasks_in_process, api_as, exporter_a, officer):
    """Issue 18.5: one open objection per decision, decided by the row lock and the partial unique constraint."""
    from licensing.licences.models import Objection

    application = application_submitted(exporter_a)
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json").status_code == 201
    url = f"/api/v1/applications/{application.pk}/objections/"
    first, second = at_once(
        lambda: api_as(exporter_a).post(url, {"grounds": "First objection."}, format="multipart"),
        lambda: api_as(exporter_a).post(url, {"grounds": "Second objection."}, format="multipart"),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    assert_conflict(first if first.status_code == 409 else second)
    assert Objection.objects.filter(application=application).count() == 1


def test_two_officials_deciding_one_objection_at_once_make_one_new_decision(tasks_in_process, api_as, exporter_a, officer, officer2, administrator):
    """Issue 18.5: a well-founded objection decided twice at once (its handler and an administrator standing in)
    brings one new decision and one replaced licence: the objection's row lock and its compare-and-set decide."""
    from licensing.licences.models import Decision, Licence, LicenceStatus, Objection

    application = application_submitted(exporter_a)
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json").status_code == 201
    oid = api_as(exporter_a).post(f"/api/v1/applications/{application.pk}/objections/", {"grounds": "Too wide."}, format="multipart").json()["id"]
    assert api_as(officer2).post(f"/api/v1/office/objections/{oid}/take/").status_code == 200
    body = {"outcome": "well_founded", "reasons": "Narrowed.", "new_decision": {"outcome": "issued", "conditions": "Narrow."}}
    first, second = at_once(
        lambda: api_as(officer2).post(f"/api/v1/office/objections/{oid}/decide/", body, format="json"),
        lambda: api_as(administrator).post(f"/api/v1/office/objections/{oid}/decide/", body, format="json"),
    )
    assert sorted([first.status_code, second.status_code]) == [200, 409]
    assert_conflict(first if first.status_code == 409 else second)
    assert Decision.objects.filter(on_objection_id=oid).count() == 1 and Objection.objects.get(pk=oid).status == "decided"
    assert Licence.objects.filter(decision__reference=application.reference, status=LicenceStatus.REPLACED).count() == 1


def test_two_officers_countersigning_one_proposed_denial_at_once_one_wins_and_it_takes_effect_once(tasks_in_process, api_as, exporter_a, officer, officer2):
    """Four eyes at the office (issue 18.3): two second officers answer the same proposed denial at the same moment,
    one agreeing, one sending it back. Exactly one wins; the denial is recorded once or not at all."""
    from licensing.licences.models import DecisionProposal, ProposalStatus
    from tests.factories import UserFactory

    officer3 = UserFactory(username="officer3", role="officer", organisation=None)
    application = application_submitted(exporter_a)
    proposed = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "denied", "criteria": [7], "reasons": "Diversion."}, format="json")
    assert proposed.status_code == 202, proposed.json()
    url = f"/api/v1/office/applications/{application.pk}/decision/countersign/"
    agree, disagree = api_as(officer2), api_as(officer3)
    signed, sent_back = at_once(
        lambda: agree.post(url, {"proposal": proposed.json()["id"], "agree": True}, format="json"),
        lambda: disagree.post(url, {"proposal": proposed.json()["id"], "agree": False, "reason": "Ask the end user first."}, format="json"),
    )

    assert sorted([signed.status_code, sent_back.status_code]) == [200, 409]
    assert_conflict(sent_back if signed.status_code == 200 else signed)
    proposal = DecisionProposal.objects.get()
    application.refresh_from_db()
    moves = list(Event.objects.filter(verb__startswith="decision_proposal.").values_list("verb", flat=True))
    if signed.status_code == 200:
        assert (proposal.status, proposal.countersigned_by, application.status) == (ProposalStatus.COUNTERSIGNED, officer2, Status.DENIED)
        assert moves == ["decision_proposal.countersigned"]
    else:
        assert (proposal.status, proposal.sent_back_reason, application.status) == (ProposalStatus.SENT_BACK, "Ask the end user first.", Status.IN_REVIEW)
        assert moves == ["decision_proposal.sent_back"]
    assert Decision.objects.filter(application=application).count() == (1 if signed.status_code == 200 else 0)
    assert Event.objects.filter(verb="application.deny").count() == (1 if signed.status_code == 200 else 0)
