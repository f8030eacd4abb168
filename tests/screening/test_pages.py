"""The officer's case panel (a template tag with its own data), the disposition form, the serial search page,
and the administrator's list upload with the re-screen progress."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from licensing.screening.models import ScreeningHit, ScreeningRun

from .conftest import EU_SAMPLE, parties

pytestmark = pytest.mark.django_db

LISTED = {"destinations": ["NO"], "parties": parties(consignee=("АО Рособоронэкспорт", "RU"), broker=("Gulf Bridge Trading", "AE"))}


def render(source, user, application):
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("en"):  # the assertions read the English texts
        return Template(source).render(Context({"application": application, "request": request, "user": user}))


def test_the_panel_shows_hits_flags_and_the_disposition_form_in_constant_queries(eu_list, exporter_a, officer, submit, django_assert_max_num_queries):
    application = submit(exporter_a, **LISTED)
    with django_assert_max_num_queries(3):
        html = render("{% load screening %}{% screening_panel application %}", officer, application)
    assert "Rosoboronexport" in html and "900101" in html and ("1,00" in html or "1.00" in html)
    assert "Intermediary in a high-risk country" in html and "Gulf Bridge Trading" in html
    hit = ScreeningHit.objects.get(application=application)
    assert f'action="/screening/cases/{application.pk}/hits/{hit.pk}/disposition/"' in html
    assert "no decision until then" in html


def test_the_panel_can_be_included_with_only_the_application_in_context(eu_list, exporter_a, advisor, submit):
    application = submit(exporter_a, **LISTED)
    html = render('{% include "screening/case_panel.html" %}', advisor, application)
    assert "Rosoboronexport" in html and "<form" not in html  # advisors read, officers dispose


def test_the_panel_renders_nothing_for_an_exporter(eu_list, exporter_a, submit):
    application = submit(exporter_a, **LISTED)
    assert render("{% load screening %}{% screening_panel application %}", exporter_a, application).strip() == ""
    assert render('{% include "screening/case_panel.html" %}', exporter_a, application).strip() == ""


def test_an_officer_disposes_of_a_hit_from_the_case_page(eu_list, exporter_a, officer, submit, client):
    application = submit(exporter_a, **LISTED)
    hit = ScreeningHit.objects.get(application=application)
    client.force_login(officer)
    url = f"/screening/cases/{application.pk}/hits/{hit.pk}/disposition/"
    response = client.post(url, {"disposition": "false_positive", "reason": ""})
    assert response.status_code == 302 and response.url == f"/office/cases/{application.pk}/"
    hit.refresh_from_db()
    assert hit.disposition == "open"  # no reason given: refused with a message
    client.post(url, {"disposition": "false_positive", "reason": "Different company, Oslo."})
    hit.refresh_from_db()
    assert (hit.disposition, hit.reason, hit.disposed_by) == ("false_positive", "Different company, Oslo.", officer)
    assert client.get(url).status_code == 405


def test_the_serial_search_page(exporter_a, officer, submit, client):
    application = submit(exporter_a)
    client.force_login(officer)
    page = client.get("/screening/serials/", {"q": "sn-4"})
    assert page.status_code == 200 and application.reference.encode() in page.content
    assert "No reported shipment carries this number." in client.get("/screening/serials/", {"q": "sn-4"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_an_administrator_uploads_a_list_and_sees_the_progress(administrator, officer, client, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    assert client.get("/screening/runs/").status_code == 200
    upload = SimpleUploadedFile("eu.xml", EU_SAMPLE.read_bytes(), content_type="application/xml")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/screening/runs/", {"format": "eu-xml", "file": upload})
    assert response.status_code == 302
    run = ScreeningRun.objects.get()
    assert run.status == "done" and run.created == 7
    page = client.get("/screening/runs/").content.decode()
    assert '<progress max="100" value="100"' in page and "eu.xml" in page and "data-poll " not in page
    client.force_login(officer)
    assert client.get("/screening/runs/").status_code == 403


def test_a_running_import_keeps_the_progress_up_to_date(administrator, client):
    ScreeningRun.objects.create(kind="import", source="eu", status="screening", total=40, done=10, file_name="eu.xml")
    client.force_login(administrator)
    page = client.get("/screening/runs/").content.decode()
    assert '<progress max="100" value="25"' in page and "10/40" in page and "data-poll " in page  # updated in place (tests/web/test_progress.py)
