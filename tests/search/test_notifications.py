"""Notifications in the application (issue 17, point 6): an unread marker for the exporter when a question, a decision
or a licence change arrives; for an official when a case of theirs is answered; read when the case page is opened.
The exporter's list says "Action needed" while a question waits; the office's queue says "Answer received"."""
from datetime import timedelta

import pytest

from licensing.applications.models import Notification, days_left
from licensing.applications.notifications import notify
from tests.factories import UserFactory, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



def unread(user, application) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user, application=application, read_at__isnull=True).values_list("kind", flat=True))


def row_of(page: str, reference: str) -> str:
    start = page.index(reference)
    return page[start : page.index("</tr>", start)]


def test_a_question_marks_the_case_for_every_exporter_of_the_organisation_until_opened(api_as, exporter_a, exporter_b, officer, submit):
    colleague = UserFactory(username="exporter_a2", organisation=exporter_a.organisation)
    case = submit(exporter_a)
    assert api_as(officer).post(f"/api/v1/office/applications/{case.pk}/questions/", {"text": "Which vessel?"}, format="json").status_code == 201
    assert unread(exporter_a, case) == unread(colleague, case) == ["question"]
    assert not Notification.objects.filter(recipient__in=[exporter_b, officer]).exists()

    client = logged_in(exporter_a)
    row = row_of(client.get("/applications/").content.decode(), case.reference)
    assert "New" in row and "Action needed" in row
    client.get(f"/applications/{case.pk}/")
    assert unread(exporter_a, case) == [] and unread(colleague, case) == ["question"]  # each person reads for themselves
    row = row_of(client.get("/applications/").content.decode(), case.reference)
    assert "New" not in row and "Action needed" in row  # the question still waits

    # Answered: no action needed any more.
    assert api_as(exporter_a).post(f"/api/v1/applications/{case.pk}/answer/", {"answer": "HNoMS Fridtjof Nansen."}, format="json").status_code == 200
    assert "Action needed" not in row_of(client.get("/applications/").content.decode(), case.reference)


def test_an_answer_tells_the_claimant_and_the_asker_and_shows_in_the_queue_until_opened(api_as, exporter_a, officer, officer2, submit):
    case = submit(exporter_a)
    api_as(officer2).post(f"/api/v1/office/applications/{case.pk}/claim/")
    api_as(officer).post(f"/api/v1/office/applications/{case.pk}/questions/", {"text": "Which vessel?"}, format="json")
    api_as(exporter_a).post(f"/api/v1/applications/{case.pk}/answer/", {"answer": "HNoMS Fridtjof Nansen."}, format="json")
    assert unread(officer, case) == unread(officer2, case) == ["answer"]

    (row,) = [r for r in api_as(officer).get("/api/v1/office/queue/").json()["results"] if r["id"] == case.pk]
    assert row["answer_received"] is True
    page = logged_in(officer2).get("/office/").content.decode()
    assert "Answer received" in row_of(page, case.reference) and "New" in row_of(page, case.reference)

    logged_in(officer2).get(f"/office/cases/{case.pk}/")
    assert unread(officer2, case) == [] and unread(officer, case) == ["answer"]
    logged_in(officer).get(f"/office/cases/{case.pk}/")
    (row,) = [r for r in api_as(officer).get("/api/v1/office/queue/").json()["results"] if r["id"] == case.pk]
    assert row["answer_received"] is False


def test_a_decision_and_a_licence_change_mark_the_case_for_the_exporter(api_as, exporter_a, officer, submit, django_capture_on_commit_callbacks):
    case = submit(exporter_a)
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(officer).post(f"/api/v1/office/applications/{case.pk}/decision/", {"outcome": "issued"}, format="json").status_code == 201
    assert unread(exporter_a, case) == ["decision"]
    assert unread(officer, case) == []  # the decider is not told of their own decision
    licence = case.decision.licence
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(officer).post(f"/api/v1/licences/{licence.pk}/move/", {"move": "suspend", "reason": "End-user check."}, format="json")
    assert response.status_code == 200, response.content
    assert unread(exporter_a, case) == ["decision", "licence_change"]
    logged_in(exporter_a).get(f"/applications/{case.pk}/")
    assert unread(exporter_a, case) == []


def test_notify_is_the_service_for_other_kinds_and_never_tells_the_actor(exporter_a, officer, officer2, submit):
    case = submit(exporter_a)
    assert notify(recipient=officer, application=case, kind=Notification.Kind.MENTION, actor=officer) is None
    mention = notify(recipient=officer2, application=case, kind="mention", actor=officer)
    assert mention.kind == "mention" and unread(officer2, case) == ["mention"]
    with pytest.raises(ValueError):
        notify(recipient=officer2, application=case, kind="gossip")


def test_the_exporters_list_keeps_a_constant_number_of_queries(exporter_a, officer, api_as, submit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(exporter_a)
    first = submit(exporter_a)
    api_as(officer).post(f"/api/v1/office/applications/{first.pk}/questions/", {"text": "Which vessel?"}, format="json")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/applications/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(3):
        case = submit(exporter_a)
        api_as(officer).post(f"/api/v1/office/applications/{case.pk}/questions/", {"text": "Which vessel?"}, format="json")
    assert queries() == few


def test_days_left_stand_still_while_the_clock_is_stopped(api_as, exporter_a, officer, submit):
    case = submit(exporter_a)
    assert days_left(case.deadline_at, None, case.submitted_at + timedelta(days=10, hours=1)) == 45
    assert days_left(case.deadline_at, case.submitted_at + timedelta(days=10, hours=1), case.submitted_at + timedelta(days=30)) == 45
    assert days_left(case.deadline_at, None, case.deadline_at + timedelta(hours=1)) == -1
    assert days_left(None, None) is None
    api_as(officer).post(f"/api/v1/office/applications/{case.pk}/questions/", {"text": "Which vessel?"}, format="json")
    (row,) = [r for r in api_as(officer).get("/api/v1/office/queue/").json()["results"] if r["id"] == case.pk]
    case.refresh_from_db()
    assert row["days_left"] == days_left(case.deadline_at, case.clock_stopped_at) == 55
    assert "question_open" in row["flags"]
