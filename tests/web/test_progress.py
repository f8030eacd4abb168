"""Long jobs (report runs, sanctions list imports with their re-screen) show progress that updates in place.

One shared piece does it (templates/includes/progress_live.html with static/js/progress.js): no Refresh header
or meta refresh, no inline script or style (the Content-Security-Policy forbids them), and a link that reloads
the page for browsers without script.
"""
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from licensing.reporting.models import ReportRun
from licensing.reporting.services import report_run_execute
from licensing.screening.models import ScreeningRun
from tests.factories import PASSWORD, logged_in

pytestmark = pytest.mark.django_db



def assert_no_inline_script_or_style(html: str):
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"<[a-z]+[^>]*\sstyle=", html), "inline style attribute"


def assert_updates_in_place(response, url: str):
    html = response.content.decode()
    assert not response.has_header("Refresh") and 'http-equiv="refresh"' not in html.lower()
    assert re.search(r'<div class="progress-live" data-poll data-poll-every="\d+"', html)
    assert '<script src="/static/js/progress.js" defer></script>' in html and finders.find("js/progress.js")
    assert 'role="status" aria-live="polite"' in html
    assert f'<a href="{url}" data-poll-reload>' in html  # without script: reload by hand
    assert re.search(r'<button type="button" class="link" hidden data-poll-stop', html)  # with script: stop (WCAG 2.2.2)
    assert_no_inline_script_or_style(html)
    return html


def test_a_report_run_shows_a_labelled_progress_bar_that_updates_in_place_until_done(officer):
    client = logged_in(officer)
    client.post("/reports/runs/", {"run-year": "2024", "run-month": ""})
    run = ReportRun.objects.get()
    url = f"/reports/runs/{run.pk}/"
    html = assert_updates_in_place(client.get(url), url)
    label = re.search(r'<progress max="100" value="0" aria-labelledby="([\w-]+)">', html)[1]
    assert f'<dt id="{label}">Progress</dt>' in html
    for part in ("run-status", "run-progress", "run-result"):  # what the script swaps in from a fresh copy
        assert re.search(rf'id="{part}" data-poll-swap', html)
    assert "Waiting for a worker to start the run." in html

    report_run_execute(run_id=run.pk)
    done = client.get(url).content.decode()
    assert "data-poll " not in done and "progress.js" not in done and "Show the report" in done
    assert 'id="run-result" data-poll-swap' in done and 'id="progress-status"' in done  # the script reads these
    assert_no_inline_script_or_style(done)


def test_the_progress_page_is_dutch_for_dutch_readers(officer):
    client = Client()
    assert client.login(username=officer.username, password=PASSWORD)
    client.post("/reports/runs/", {"run-year": "2024", "run-month": ""})
    html = client.get(f"/reports/runs/{ReportRun.objects.get().pk}/").content.decode()
    assert "Laad de pagina opnieuw om de laatste voortgang te zien" in html and "Stoppen met bijwerken" in html


def test_the_sanctions_list_page_updates_its_table_in_place_while_an_import_runs(administrator):
    run = ScreeningRun.objects.create(kind="import", source="eu", status="screening", total=40, done=10, file_name="eu.xml")
    client = logged_in(administrator)
    html = assert_updates_in_place(client.get("/screening/runs/"), "/screening/runs/")
    assert '<tbody id="runs-body" data-poll-swap>' in html and "10/40" in html
    assert "An import or re-screen is running; the table shows its progress." in html
    ScreeningRun.objects.filter(pk=run.pk).update(status="done", done=40)
    done = client.get("/screening/runs/").content.decode()
    assert "data-poll " not in done and "progress.js" not in done and '<tbody id="runs-body" data-poll-swap>' in done
