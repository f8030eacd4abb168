"""The officials' pages: queue, case, claim, question and referral through the browser's forms."""
import pytest

from licensing.applications.models import Application, Status
from tests.factories import application_submitted, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



@pytest.fixture
def case(exporter_a):
    return application_submitted(exporter_a)


def test_officer_triages_a_case_from_the_queue(officer, case):
    client = logged_in(officer)
    assert client.get("/").url == "/office/"
    queue = client.get("/office/").content.decode()
    assert case.reference in queue and "Company A B.V." in queue
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    assert "Radar transmitter module" in page and "Routing" in page

    client.post(f"/office/cases/{case.pk}/claim/")
    client.post(f"/office/cases/{case.pk}/questions/", {"text": "Which vessel?"})
    case.refresh_from_db()
    assert case.claimed_by == officer and case.clock_stopped_at is not None

    # Referral without a note is refused with a message; with one, the case goes to the ministry's queue.
    refused = client.post(f"/office/cases/{case.pk}/refer/", {"note": ""}, follow=True)
    assert "Write a note for the ministry." in refused.content.decode()
    client.post(f"/office/cases/{case.pk}/refer/", {"note": "Please advise."})
    case.refresh_from_db()
    assert case.status == Status.REFERRED
    assert case.reference in client.get("/office/?queue=ministry").content.decode()


def test_officer_downloads_the_exporters_document(officer, case):
    document = case.documents.get()
    response = logged_in(officer).get(f"/office/cases/{case.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")


def test_exporters_cannot_open_office_pages(exporter_a, exporter_b, case):
    for user in (exporter_a, exporter_b):
        client = logged_in(user)
        assert client.get("/office/").status_code == 403
        assert client.get(f"/office/cases/{case.pk}/").status_code == 403
        assert client.post(f"/office/cases/{case.pk}/claim/").status_code == 403


def test_queue_page_runs_a_constant_number_of_queries(officer, case, django_assert_max_num_queries):
    client = logged_in(officer)
    with django_assert_max_num_queries(8):
        assert client.get("/office/").status_code == 200


def test_overdue_reports_page(officer, exporter_a):
    client = logged_in(officer)
    assert client.get("/office/overdue-reports/").status_code == 200
    assert logged_in(exporter_a).get("/office/overdue-reports/").status_code == 403


def test_case_page_shows_the_screening_panel_to_officials(officer, case):
    page = logged_in(officer).get(f"/office/cases/{case.pk}/").content.decode()
    assert "screening" in page.lower()


def test_queue_page_shows_the_rows_the_queue_api_gives(officer, case, api_as):
    from django.utils.dateparse import parse_datetime
    from django.utils.formats import date_format
    from django.utils.translation import override

    assert api_as(officer).post(f"/api/v1/office/applications/{case.pk}/claim/").status_code == 200
    row = next(r for r in api_as(officer).get("/api/v1/office/queue/").json()["results"] if r["id"] == case.pk)
    page = logged_in(officer).get("/office/").content.decode()
    with override("en"):
        deadline = date_format(parse_datetime(row["deadline_at"]), "SHORT_DATE_FORMAT")
    assert row["claimed_by"] == "officer1" and row["destinations"]
    for shown in (row["reference"], row["organisation"], ", ".join(row["destinations"]), "officer1", deadline, "Licensing office (CDIU)"):
        assert shown in page


def test_queue_rows_are_escaped_and_show_their_flags_and_dates(officer, case):
    """The queue's rows (values made in licensing.web.office.queue_table_rows, placed by the template) are escaped and complete."""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import override

    case.organisation.name = 'Smith & <b>Sons</b> "Export"'
    case.organisation.save()
    Application.objects.filter(pk=case.pk).update(clock_stopped_at=timezone.now(), version=2)
    page = logged_in(officer).get("/office/").content.decode()
    assert "<b>Sons</b>" not in page
    with override("en"):
        submitted = date_format(timezone.localtime(case.submitted_at).date(), "SHORT_DATE_FORMAT")
    row = (
        f'<tr>\n    <td><a href="/office/cases/{case.pk}/">{case.reference}</a></td>\n'
        "    <td>Smith &amp; &lt;b&gt;Sons&lt;/b&gt; &quot;Export&quot;</td>\n"
    )
    assert row in page
    assert f"<td>{submitted}</td>\n    <td>—</td>\n" in page
    flags = ("Question open", "General licence may apply", "Amended")  # the application's determination gives the middle one
    assert "<td>" + "".join(f'<span class="tag">{flag}</span> ' for flag in flags) + "</td>\n  </tr>" in page


def test_every_move_of_the_case_page_answers_through_one_path(officer, case):
    """Claim, assign, refer and ask (web.office) and the assessment and decision forms (web.decisions) share
    web.decisions.act: an unknown case is 404 before any service runs, a refusal shows the service's message with
    its field messages named in words (office moves used to drop them), a success goes back to the case with its message."""
    from licensing.web import decisions, office, screening

    assert not hasattr(office, "_act") and office.act is decisions.act is screening.act
    client = logged_in(officer)
    for move in ("claim", "release", "assign", "refer", "questions", "decision"):  # the officer's moves
        assert client.post(f"/office/cases/{case.pk + 1000}/{move}/").status_code == 404, move

    refused = client.post(f"/office/cases/{case.pk}/assign/", {"assignee": "nobody"}, follow=True)
    assert refused.redirect_chain == [(f"/office/cases/{case.pk}/", 302)]
    page = refused.content.decode()
    # The field message names its field in words (the form's label), not its name `assignee`.
    assert "Assign the case to an active colleague of the desk that holds it. Assign to a colleague: Not a colleague of this desk." in page

    claimed = client.post(f"/office/cases/{case.pk}/claim/", follow=True)
    assert claimed.redirect_chain == [(f"/office/cases/{case.pk}/", 302)] and "You have claimed this case." in claimed.content.decode()
    asked = client.post(f"/office/cases/{case.pk}/questions/", {"text": ""}, follow=True).content.decode()
    assert asked.count("Write the question.") == 1  # the field message equal to the message is not repeated


@pytest.mark.parametrize(
    "kind, offered",
    [("individual", ["issued", "denied"]), ("sondage", ["denied", "answered"]), ("classification", ["ruled"])],
)
def test_the_decision_form_offers_only_the_outcomes_this_kind_can_have_and_chooses_none(officer, exporter_a, kind, offered):
    application = application_submitted(exporter_a)
    Application.objects.filter(pk=application.pk).update(kind=kind)  # the kind alone decides what the form offers
    page = logged_in(officer).get(f"/office/cases/{application.pk}/").content.decode()
    select = page.split('name="outcome"', 1)[1].split("</select>", 1)[0]
    values = [v for v in __import__("re").findall(r'value="([^"]*)"', select) if v]
    assert values == offered
    assert 'value="" selected' in select


def test_a_classification_request_is_never_denied(officer, exporter_a):
    from licensing.applications.workflow import KINDS_DECIDED_BY, Action
    from licensing.licences.decisions import outcomes_for

    assert "classification" not in KINDS_DECIDED_BY[Action.DENY] and "denied" not in outcomes_for("classification")
    application = application_submitted(exporter_a)
    Application.objects.filter(pk=application.pk).update(kind="classification")
    response = logged_in(officer).post(f"/office/cases/{application.pk}/decision/", {"outcome": "denied", "reasons": "No.", "confirmed": "yes"})
    application.refresh_from_db()
    assert application.status != Status.DENIED and response.status_code == 302


def test_a_case_is_assigned_by_choosing_a_colleague_of_its_desk(officer, officer2, advisor, case):
    client = logged_in(officer)
    page = client.get(f"/office/cases/{case.pk}/").content.decode()
    select = page.split('name="assignee"', 1)[1].split("</select>", 1)[0]
    assert f'value="{officer2.username}"' in select and f'value="{advisor.username}"' not in select  # the ministry is another desk
    client.post(f"/office/cases/{case.pk}/assign/", {"assignee": officer2.username})
    case.refresh_from_db()
    assert case.claimed_by == officer2
