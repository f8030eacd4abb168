"""Progress of a long job in a real browser: the page updates in place (no reload), says so to screen readers,
and passes axe-core. The run is computed by the test itself while the page watches, so its timing is ours."""
import pytest
from django.urls import reverse

from licensing.reporting.models import ReportRun
from licensing.reporting.services import report_run_execute

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_report_run_page_follows_the_run_in_place_until_it_is_done(reference_db, new_page, journey, officer):
    j = journey("report-run-progress")
    run = ReportRun.objects.create(year=2024, requested_by=officer)
    page = new_page(officer, "nl")
    page.goto(reverse("reports:run", args=[run.pk]))
    assert page.locator("progress[aria-labelledby='run-progress-label']").count() == 1
    assert page.locator("[data-poll-reload]").is_hidden()  # the script runs: no reload link needed
    assert page.locator("[data-poll-stop]").is_visible()  # ... but a way to stop the updates
    j.step(page, "a queued run")
    page.evaluate("() => { window.notReloaded = true; }")

    report_run_execute(run_id=run.pk)

    page.locator("#run-result a.button.primary").wait_for()  # "Toon het rapport", swapped in by the script
    assert page.evaluate("() => window.notReloaded === true")  # the same document: updated in place
    assert page.locator("#progress-status").inner_text() == "De berekening is klaar."
    assert page.locator("#run-progress progress").get_attribute("value") == "100"
    assert page.locator("[data-poll-stop]").is_hidden()
    j.step(page, "the run is done")


def test_the_updates_can_be_stopped(reference_db, new_page, journey, officer):
    run = ReportRun.objects.create(year=2024, requested_by=officer)
    page = new_page(officer, "en")
    page.goto(reverse("reports:run", args=[run.pk]))
    page.locator("[data-poll-stop]").click()
    assert "Updating stopped" in page.locator("#progress-status").inner_text()
    assert page.locator("[data-poll-reload]").is_visible()  # now the reader reloads when they want
