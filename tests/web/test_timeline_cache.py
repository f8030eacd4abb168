"""The timeline on the case pages is kept in the shared cache under the case's newest event (licensing.web.timeline):
each change it shows records an event, so a question, an answer or a note appears at once; an exporter is never
given the officials' version; a case viewed again reads its events no more. Outside a test's transaction (the cache
is not used inside one), so on committed rows."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.applications import services
from licensing.applications.models import Application
from tests.factories import application_submitted, logged_in, pdf_upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _page(client, path: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def test_every_change_shows_at_once_and_each_audience_gets_its_own(reference_db, exporter_a, officer):
    case = application_submitted(exporter_a)
    office, exporter = logged_in(officer), logged_in(exporter_a)
    office_path, exporter_path = f"/office/cases/{case.pk}/", f"/applications/{case.pk}/"

    page, _ = _page(office, office_path)
    assert "Timeline" in page and "Submitted" in page
    page, queries = _page(office, office_path)  # viewed again: the events and notes are not read
    assert not any('FROM "applications_note"' in q for q in queries)
    assert sum('FROM "audit_event"' in q for q in queries) == 1  # the newest event's id

    services.note_add(actor=officer, application=case, text="Internal: check the vessel's register.", files=[pdf_upload("memo-internal.pdf")])
    question = services.question_ask(actor=officer, application=case, text="Which vessel carries the radar?")
    page, _ = _page(office, office_path)
    assert "Internal: check the vessel" in page and "memo-internal.pdf" in page and "Which vessel carries the radar?" in page

    page, _ = _page(exporter, exporter_path)
    assert "Which vessel carries the radar?" in page
    assert "Internal: check the vessel" not in page and "memo-internal.pdf" not in page and officer.username not in page

    services.question_answer(
        actor=exporter_a, application=Application.objects.get(pk=case.pk), answer="The frigate Fridtjof Nansen.", question_id=question.pk,
        files=[pdf_upload("late-annex.pdf")],
    )
    for client, path in ((office, office_path), (exporter, exporter_path)):
        page, _ = _page(client, path)
        assert "The frigate Fridtjof Nansen." in page and "Question answered" in page
        assert "late-annex.pdf</a> (Other" in page  # the application's documents (includes/application_body.html)
    page, _ = _page(exporter, exporter_path)
    assert "Internal: check the vessel" not in page


def test_the_language_of_the_page_is_its_own(reference_db, exporter_a, officer):
    case = application_submitted(exporter_a)
    english, _ = _page(logged_in(officer, "en"), f"/office/cases/{case.pk}/")
    dutch, _ = _page(logged_in(officer, "nl"), f"/office/cases/{case.pk}/")
    assert "Submitted" in english and "Ingediend" in dutch and "Ingediend" not in english
