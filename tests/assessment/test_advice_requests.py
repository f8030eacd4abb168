"""Advice from other bodies (issue 18.4): the office or the ministry asks the Ministry of Defence, the Ministry of
Economic Affairs or the intelligence services for advice; each body has its own role, queue, deadline and pages;
the answer joins the case file; a case cannot be decided while a request is open unless it is withdrawn with a
reason."""
from datetime import timedelta

import pytest
from django.utils import timezone

from licensing.assessment.models import AdviceRequest, AdviceRequestStatus
from tests.factories import UserFactory, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def defence(db):
    return UserFactory(username="defence1", role="defence", organisation=None)


@pytest.fixture
def intelligence(db):
    return UserFactory(username="intel1", role="intelligence", organisation=None)


@pytest.fixture
def case(exporter_a, submit):
    return submit(exporter_a)  # military goods to Norway: the office decides alone


def _ask(client, case, body="defence", question="Does the end user operate the radar itself?", **extra):
    return client.post(f"/api/v1/office/applications/{case.pk}/advice-requests/", {"body": body, "question": question, **extra}, format="json")



def test_the_body_asked_sees_and_answers_its_request_and_no_other_body_sees_it(api_as, case, officer, defence, intelligence, exporter_a, settings):
    settings.ADVICE_REQUEST_DAYS = 21
    asked = _ask(api_as(officer), case)
    assert asked.status_code == 201, asked.json()
    request = asked.json()
    assert request["status"] == "open" and request["body"] == "defence"
    assert request["due_on"] == (timezone.localdate() + timedelta(days=21)).isoformat()

    queue = api_as(defence).get("/api/v1/advice-requests/").json()
    assert [r["id"] for r in queue] == [request["id"]]
    detail = api_as(defence).get(f"/api/v1/advice-requests/{request['id']}/").json()
    assert detail["case"]["reference"] == case.reference and detail["case"]["destinations"] == ["NO"]
    assert detail["asked_by"] is None  # the body reads the office, not the official's name

    assert api_as(intelligence).get("/api/v1/advice-requests/").json() == []
    assert api_as(intelligence).get(f"/api/v1/advice-requests/{request['id']}/").status_code == 404
    assert api_as(intelligence).post(f"/api/v1/advice-requests/{request['id']}/answer/", {"answer": "No."}, format="json").status_code == 404
    assert api_as(exporter_a).get("/api/v1/advice-requests/").status_code == 403
    assert api_as(defence).get(f"/api/v1/applications/{case.pk}/").status_code == 404  # the case file stays the office's

    answered = api_as(defence).post(f"/api/v1/advice-requests/{request['id']}/answer/", {"answer": "The navy operates it; no concern."}, format="json")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["status"] == "answered"
    again = api_as(defence).post(f"/api/v1/advice-requests/{request['id']}/answer/", {"answer": "Second thoughts."}, format="json")
    assert again.status_code == 409
    assert AdviceRequest.objects.get(pk=request["id"]).answer == "The navy operates it; no concern."


def test_the_case_is_not_decided_while_a_request_is_open_unless_it_is_withdrawn_with_a_reason(api_as, case, officer):
    client = api_as(officer)
    request = _ask(client, case, body="intelligence").json()
    client.post(f"/api/v1/office/applications/{case.pk}/claim/")

    blocked = client.post(f"/api/v1/office/applications/{case.pk}/decision/", {"outcome": "issued"}, format="json")
    assert blocked.status_code == 400
    assert "Intelligence services advisor has not yet given the advice" in str(blocked.json())
    assert any("Intelligence" in b for b in client.get(f"/api/v1/office/applications/{case.pk}/blockers/").json()["approve"])

    assert client.post(f"/api/v1/office/advice-requests/{request['id']}/withdraw/", {}, format="json").status_code == 400  # no reason
    withdrawn = client.post(f"/api/v1/office/advice-requests/{request['id']}/withdraw/", {"reason": "The end user is known to us."}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"

    decided = client.post(f"/api/v1/office/applications/{case.pk}/decision/", {"outcome": "issued"}, format="json")
    assert decided.status_code == 201, decided.json()


def test_one_body_is_asked_once_at_a_time_and_only_while_the_case_is_handled(api_as, case, officer, advisor, exporter_a):
    assert _ask(api_as(officer), case).status_code == 201
    assert _ask(api_as(advisor), case).status_code == 409  # Defence has not answered yet
    assert _ask(api_as(officer), case, body="economic_affairs").status_code == 201  # another body may be asked at once
    assert _ask(api_as(officer), case, body="customs").status_code == 400
    assert _ask(api_as(officer), case, body="economic_affairs", question="   ").status_code == 400
    assert _ask(api_as(officer), case, body="intelligence", due_on=timezone.localdate().isoformat()).status_code == 400
    assert _ask(api_as(exporter_a), case).status_code == 403
    assert AdviceRequest.objects.filter(application=case, status=AdviceRequestStatus.OPEN).count() == 2


def test_the_answer_joins_the_officials_timeline_and_never_the_exporters(api_as, case, officer, defence, exporter_a):
    request = _ask(api_as(officer), case, question="Is the end user on a watch list of yours?").json()
    api_as(defence).post(f"/api/v1/advice-requests/{request['id']}/answer/", {"answer": "Not on ours: no objection."}, format="json")

    timeline = api_as(officer).get(f"/api/v1/applications/{case.pk}/timeline/").json()
    by_verb = {e["verb"]: e for e in timeline}
    assert "Is the end user on a watch list of yours?" in by_verb["advice_request.asked"]["text"]
    assert "Not on ours: no objection." in by_verb["advice_request.answered"]["text"]
    assert by_verb["advice_request.answered"]["internal"] is True

    seen_by_exporter = api_as(exporter_a).get(f"/api/v1/applications/{case.pk}/timeline/").json()
    assert not [e for e in seen_by_exporter if e["verb"].startswith("advice_request.")]
    assert "watch list" not in logged_in(exporter_a).get(f"/applications/{case.pk}/").content.decode()


def test_the_pages_ask_answer_and_withdraw(case, officer, defence):
    office = logged_in(officer)
    office.post(f"/office/cases/{case.pk}/advice-requests/", {"body": "defence", "question": "Any concern on the navy's use?"})
    request = AdviceRequest.objects.get(application=case)

    body = logged_in(defence)
    queue = body.get("/advice/").content.decode()
    assert case.reference in queue
    page = body.get(f"/advice/{request.pk}/").content.decode()
    assert "Any concern on the navy&#x27;s use?" in page and "Radar transmitter module" in page
    assert body.post(f"/advice/{request.pk}/", {"answer": ""}).status_code == 200  # the form again, with its error
    response = body.post(f"/advice/{request.pk}/", {"answer": "None: the navy is the operator."})
    assert response.status_code == 302
    assert AdviceRequest.objects.get(pk=request.pk).status == AdviceRequestStatus.ANSWERED

    case_page = office.get(f"/office/cases/{case.pk}/").content.decode()
    assert "None: the navy is the operator." in case_page

    office.post(f"/office/cases/{case.pk}/advice-requests/", {"body": "economic_affairs", "question": "Any economic interest at stake?"})
    second = AdviceRequest.objects.get(application=case, body="economic_affairs")
    refused = office.post(f"/office/advice-requests/{second.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "Give the reason." in refused.content.decode()  # a lazy message from the machine, shown as words
    office.post(f"/office/advice-requests/{second.pk}/withdraw/", {"reason": "No longer needed."})
    assert AdviceRequest.objects.get(pk=second.pk).status == AdviceRequestStatus.WITHDRAWN
