"""The office's search in a real browser (issue 17): an officer finds a case whose buyer is written in Cyrillic by
typing the name in Latin letters, narrows it with a filter, saves the search, and opens the case; in Dutch and
English, at 1280 and 390 px, checked with axe-core like every journey."""
import pytest

from tests.e2e import cases
from tests.e2e.conftest import switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MURMANSK = {
    **cases.NORWAY,
    "title": "Spare parts for a shipyard",
    "parties": [
        {"role": "consignee", "name": "ООО Северная Звезда", "address": "Мурманск", "country": "NO", "party_type": "company"},
        {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, 5886 Bergen", "country": "NO", "party_type": "armed_forces"},
    ],
}


def test_an_officer_finds_a_case_by_a_transliterated_party_name_and_saves_the_search(reference_db, live_worker, new_page, journey, exporter_a, officer):
    j = journey("7-office-search")
    other = cases.submitted(exporter_a, cases.NORWAY)
    star = cases.submitted(exporter_a, MURMANSK)
    page = new_page(officer, "nl")
    page.goto("/office/")
    page.locator("main a[href='/office/search/']").click()
    assert page.locator("h1").inner_text() == "Zaken zoeken"
    j.step(page, "the search page")

    page.fill("#id_q", "Severnaya Zvezda")
    page.locator("main form[role=search] button").click()
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert star.reference in rows.first.inner_text() and other.reference not in page.locator("main").inner_text()
    assert "1 zaak gevonden" in page.locator("main h2#results-title").inner_text()
    j.step(page, "found by the Latin spelling of a Cyrillic name")

    # A filter that excludes it, then one that keeps it.
    page.locator("main details summary").click()
    page.check("main input[name=status][value=issued]")
    page.locator("main form[role=search] button").click()
    assert "Geen zaak gevonden." in page.locator("main table").inner_text()
    page.uncheck("main input[name=status][value=issued]")
    page.check("main input[name=status][value=in_review]")
    page.locator("main form[role=search] button").click()
    assert page.locator("main table tbody tr").count() == 1

    page.fill("#id_saved_name", "Northern Star")
    page.locator("main form.save-search button").click()
    assert "Northern Star" in page.locator("main section[aria-labelledby=saved-title]").inner_text()
    j.step(page, "the search saved")

    page.set_viewport_size({"width": 390, "height": 844})
    j.step(page, "the results at 390 px")
    page.set_viewport_size({"width": 1280, "height": 900})

    switch_language(page, "en")
    page.goto("/office/search/")
    page.locator("main section[aria-labelledby=saved-title] a", has_text="Northern Star").click()
    assert "1 case found" in page.locator("main h2#results-title").inner_text()
    j.step(page, "the saved search in English")
    page.locator(f"main table a[href='/office/cases/{star.pk}/']").click()
    assert page.locator("h1").inner_text().startswith(star.reference)
