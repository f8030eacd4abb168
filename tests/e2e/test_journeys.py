"""
The three users' journeys in a real browser (Chromium), in Dutch and English, checked with axe-core.

Each journey takes a screenshot of every page it shows (artifacts/screenshots/<journey>/) and fails on any
axe-core violation of impact "serious" or "critical" (all findings: artifacts/axe/<journey>.json). Background
work (routing, screening, reports) is done by the live Celery worker on the same test database.
"""
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from licensing.applications.models import Application, Status
from tests.e2e import cases
from tests.e2e.conftest import login, open_action, screenshot_dir, switch_language
from tests.polling import wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def pk_from(url: str) -> int:
    return int(url.rstrip("/").split("/")[-1])


def text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def test_exporter_checks_the_need_files_answers_a_question_and_downloads_the_licence(reference_db, live_worker, new_page, journey, exporter_a, officer):
    j = journey("1-exporter")
    page = new_page(language="nl")
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "nl"
    j.step(page, "log in")
    login(page, exporter_a)
    assert text(page, "h1") == "Mijn aanvragen"
    j.step(page, "my applications in Dutch")

    # Is a licence needed? First a typo in the country, then the right one.
    page.locator("header nav a[href='/determination/']").click()
    page.select_option("#id_goods_kind", "military")
    page.select_option("#id_movement", "export")
    page.fill("#id_destination", "XX")
    page.fill("#id_control_entry", "ML5")
    page.fill("#id_value_eur", "168.000,50")  # Dutch notation in a Dutch form
    page.locator("main form.determination-form button").click()
    assert "XX" in text(page, ".error-summary")
    j.step(page, "determination with an unknown country")
    page.fill("#id_destination", "NO")
    page.locator("main form.determination-form button").click()
    assert text(page, "[data-answer=licence_required]") == "ja"
    assert text(page, "[data-answer=prohibited]") == "nee"
    assert "CDIU" in text(page, "[data-answer=handler]")
    assert page.locator("ol.rules li").count() >= 1
    j.step(page, "determination: licence required, the office decides")

    switch_language(page, "en")
    assert text(page, "h1") == "Do I need a licence?"
    assert "1,250.50" in text(page, ".error-summary")  # "168.000,50" is not an English amount: the message shows how to write one
    page.fill("#id_value_eur", "168,000.50")
    page.locator("main form.determination-form button").click()
    assert text(page, "[data-answer=licence_required]") == "yes"
    j.step(page, "determination in English")

    # The answer starts the guided application with its facts (tests/web/test_guided_application.py walks it); this
    # journey files on the one-page form: two goods lines and three parties, added with the page's own buttons.
    assert "/applications/guided/start/?" in page.locator("#result a.button").get_attribute("href")
    page.goto("/applications/new/")
    page.select_option("#id_kind", "individual")
    page.select_option("#id_movement", "export")
    page.fill("#id_title", "Radar spares for the Norwegian navy")
    page.select_option("#id_end_use", "military")
    page.select_option("#id_purpose", "sale")
    page.select_option("#id_destinations", ["NO"])
    goods = [
        ("Radar transmitter module", "ML5", "4", "120000"),
        ("Wheels for armoured vehicles", "ML6", "16", "48000.50"),
    ]
    for index, (description, entry, quantity, value) in enumerate(goods):
        page.locator("button[name=add_goods]").click()
        page.wait_for_selector(f"#id_goods-{index}-description")
        page.select_option(f"#id_goods-{index}-goods_kind", "military")
        page.fill(f"#id_goods-{index}-description", description)
        page.fill(f"#id_goods-{index}-control_entry", entry)
        page.fill(f"#id_goods-{index}-quantity", quantity)
        page.fill(f"#id_goods-{index}-value_eur", value)
    parties = [
        ("consignee", "Forsvarsmateriell", "Postboks 800, 2617 Lillehammer", "government"),
        ("end_user", "Royal Norwegian Navy", "Haakonsvern, 5886 Bergen", "armed_forces"),
        ("intermediate_consignee", "Kongsberg Logistikk AS", "Kirkegårdsveien 45, 3616 Kongsberg", "company"),
    ]
    for index, (role, name, address, party_type) in enumerate(parties):
        page.locator("button[name=add_party]").click()
        page.wait_for_selector(f"#id_parties-{index}-name")
        page.select_option(f"#id_parties-{index}-role", role)
        page.fill(f"#id_parties-{index}-name", name)
        page.fill(f"#id_parties-{index}-address", address)
        page.select_option(f"#id_parties-{index}-party_type", party_type)
        page.select_option(f"#id_parties-{index}-country", "NO")
    assert page.locator("#id_goods-0-description").input_value() == "Radar transmitter module"  # nothing typed was lost
    j.step(page, "new application filled in")
    page.locator("button[name=save]").click()
    assert "saved" in text(page, ".messages")
    pk = pk_from(page.url)
    application = Application.objects.get(pk=pk)
    assert application.goods.count() == 2 and application.parties.count() == 3

    # The end-user certificate: a real PDF.
    page.select_option("#id_doc_type", "end_user_certificate")
    page.set_input_files("#id_file", files=[{"name": "end-user-certificate.pdf", "mimeType": "application/pdf", "buffer": cases.pdf_bytes("End-user certificate")}])
    page.locator("form[action$='/documents/'] button").click()
    assert "end-user-certificate.pdf" in text(page, "main")
    j.step(page, "draft with the end-user certificate")
    page.locator(f"form[action='/applications/{pk}/submit/'] button").click()
    assert "submitted" in text(page, ".messages")
    j.step(page, "submitted")
    cases.wait_for_status(pk, Status.IN_REVIEW)

    # The office claims the case and asks a question (in Dutch).
    office = new_page(officer, "nl")
    office.goto(f"/office/cases/{pk}/")
    open_action(office, "claim")
    office.locator(f"form[action='/office/cases/{pk}/claim/'] button").click()
    open_action(office, "ask")
    office.fill("#id_text", "Who maintains the radar after delivery?")
    office.locator(f"form[action='/office/cases/{pk}/questions/'] button").click()
    j.step(office, "officer asked a question")

    page.reload()
    assert "Who maintains the radar" in text(page, "ol.questions")
    question = page.locator("ol.questions li.question").first
    question.locator("textarea[name=answer]").fill("The Royal Norwegian Navy's own workshop in Haakonsvern.")
    question.locator("form button").click()
    assert "Answer sent" in text(page, ".messages")
    j.step(page, "question answered")

    office.reload()
    open_action(office, "decide")
    office.select_option("#id_outcome", "issued")
    office.fill("#id_conditions", "No re-export without the licensing office's consent.")
    office.locator(f"form[action='/office/cases/{pk}/decision/'] button").click()
    j.step(office, "the officer is asked to confirm the decision")
    office.locator(f"form[action='/office/cases/{pk}/decision/'] button.danger").click()
    assert Application.objects.get(pk=pk).status == Status.ISSUED
    j.step(office, "licence issued")

    page.reload()
    assert "Licence issued" in text(page, "#decision-title + p, main")
    j.step(page, "decision shown to the exporter")
    with page.expect_download() as download:
        page.locator(f"a[href='/applications/{pk}/decision/document/']").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-") and download.value.suggested_filename.endswith(".pdf")
    (screenshot_dir(j.name) / "licence.pdf").write_bytes(pdf)

    page.locator("header nav a[href='/licences/']").click()
    assert "168,000.50" in text(page, "main table")  # the licence's value, English notation
    j.step(page, "my licences in English")
    switch_language(page, "nl")
    assert "168.000,50" in text(page, "main table")
    j.step(page, "my licences in Dutch")
    page.locator("main table a").first.click()
    assert "120.000,00" in text(page, "main table")  # the licence's lines, Dutch notation
    j.step(page, "the licence with its usage form")


def test_officer_triages_the_queue_claims_asks_and_refers_to_the_ministry(reference_db, live_worker, new_page, journey, exporter_a, officer):
    j = journey("2-officer-triage")
    cases.submitted(exporter_a, cases.NORWAY)
    case = cases.submitted(exporter_a, cases.SAUDI)
    page = new_page(officer, "nl")
    page.goto("/")
    assert text(page, "h1") == "Werkvoorraad CDIU"
    assert page.locator("main table tbody tr").count() == 2
    j.step(page, "the licensing office queue")

    page.select_option("#flag", "ministry")
    page.select_option("#claimed", "none")
    page.locator("main form.filters button").click()
    assert page.locator("main table tbody tr").count() == 1
    j.step(page, "unclaimed ministry cases")

    page.locator(f"main table a[href='/office/cases/{case.pk}/']").click()
    assert text(page, "h1").startswith(case.reference)
    j.step(page, "the case")
    open_action(page, "claim")
    page.locator(f"form[action='/office/cases/{case.pk}/claim/'] button").click()
    assert "opgepakt" in text(page, ".messages")
    j.step(page, "claimed")

    open_action(page, "ask")
    page.fill("#id_text", "Please send the end-user certificate signed by the Ministry of Defence itself.")
    page.locator(f"form[action='/office/cases/{case.pk}/questions/'] button").click()
    assert "termijn" in text(page, ".messages")
    assert "Please send the end-user certificate" in text(page, "ol.questions")
    j.step(page, "question asked, the clock stops")

    open_action(page, "refer")
    page.fill("#id_note", "Saudi Arabia: criteria 2, 4 and 7 need the ministry's assessment.")
    page.locator(f"form[action='/office/cases/{case.pk}/refer/'] button").click()
    assert "Voorgelegd aan het ministerie" in text(page, ".messages")
    assert cases.status_of(case.pk) == Status.REFERRED
    j.step(page, "referred to the ministry")

    switch_language(page, "en")
    page.locator("header nav a[href='/office/?queue=ministry']").click()
    assert text(page, "h1") == "Ministry queue"
    assert page.locator(f"main table a[href='/office/cases/{case.pk}/']").count() == 1
    j.step(page, "the ministry queue in English")
    page.locator("header nav a[href='/office/overdue-reports/']").click()
    j.step(page, "overdue usage reports")


def test_two_advisors_assess_the_eight_criteria_and_countersign_then_the_officer_decides(
    reference_db, live_worker, new_page, journey, exporter_a, officer, officer2, advisor, advisor2
):
    j = journey("3-assessment")
    spec = {**cases.SAUDI, "goods": [{**cases.SAUDI["goods"][0], "complete_system": True, "value_eur": "2500000.00"}]}
    case = cases.referred(exporter_a, officer, spec)
    first = new_page(advisor, "en")
    first.goto("/")
    assert text(first, "h1") == "Ministry queue"
    j.step(first, "the ministry queue")
    first.locator(f"main table a[href='/office/cases/{case.pk}/']").click()
    first.locator(f"form[action='/office/cases/{case.pk}/assessment/'] button").click()
    assert "Assessment started" in text(first, ".messages")
    for number in range(1, 9):
        first.select_option(f"#finding_{number}", "concern" if number == 7 else "no_concern")
        first.fill(f"#reasoning_{number}", f"Criterion {number}: considered against the country report of this year.")
    first.locator("input[name=sub_points_7]").first.check()
    j.step(first, "findings on the eight criteria")
    first.locator("details#action-assessment button", has_text="Save draft").click()  # one form: findings and advice
    assert "Draft saved" in text(first, ".messages")
    first.select_option("#id_advice", "approve_with_conditions")
    first.fill("#id_conditions", "End-user certificate with a no re-export clause.")
    first.fill("#id_weighing", "The concern on criterion 7 is met by the end-user certificate's re-export clause.")
    first.locator(f"form[action='/office/cases/{case.pk}/assessment/advice/'] button.primary").click()
    assert "Advice given" in text(first, ".messages")
    j.step(first, "advice awaiting a second advisor")

    second = new_page(advisor2, "nl")
    second.goto(f"/office/cases/{case.pk}/")
    j.step(second, "the second advisor reads the advice")
    second.locator(f"form[action='/office/cases/{case.pk}/assessment/countersign/'] button[value='1']").click()
    assert "Medeondertekening vastgelegd" in text(second, ".messages")
    assert cases.status_of(case.pk) == Status.ADVICE_GIVEN
    j.step(second, "countersigned")

    office = new_page(officer, "nl")
    office.goto(f"/office/cases/{case.pk}/")
    open_action(office, "decide")
    office.select_option("#id_outcome", "issued")
    office.fill("#id_conditions", "No re-export without the licensing office's consent.")
    office.fill("#id_reasons", "In line with the ministry's advice.")
    j.step(office, "the officer's decision form")
    office.locator(f"form[action='/office/cases/{case.pk}/decision/'] button").click()
    office.locator(f"form[action='/office/cases/{case.pk}/decision/'] button.danger").click()
    # EUR 2.5 million is above the office's limit for one officer: a second officer countersigns (four eyes).
    assert "Besluit voorgesteld" in text(office, ".messages")
    assert cases.status_of(case.pk) == Status.ADVICE_GIVEN
    j.step(office, "decision proposed")
    second_officer = new_page(officer2, "nl")
    second_officer.goto(f"/office/cases/{case.pk}/")
    second_officer.locator(f"form[action='/office/cases/{case.pk}/decision/countersign/'] button[name=agree][value='1']").click()
    assert "Besluit medeondertekend" in text(second_officer, ".messages")
    assert cases.status_of(case.pk) == Status.ISSUED
    j.step(second_officer, "licence issued")

    # A complete system above EUR 2 million outside the EU/NATO+: parliament is told within two weeks.
    office.locator("header nav a[href='/office/parliament/']").click()
    assert "2.500.000,00" in text(office, "main table")  # Dutch notation
    j.step(office, "parliament fast track in Dutch")
    switch_language(office, "en")
    assert "2,500,000.00" in text(office, "main table")
    j.step(office, "parliament fast track in English")


def test_a_denial_gives_a_notice_and_a_register_entry_and_an_identical_application_shows_it_without_a_consultation(
    reference_db, live_worker, new_page, journey, exporter_a, officer, officer2, advisor, advisor2
):
    j = journey("4-denial")
    case = cases.advised(exporter_a, officer, advisor, advisor2, advice="deny", negative=(2,))
    office = new_page(officer, "nl")
    office.goto(f"/office/cases/{case.pk}/")
    open_action(office, "decide")
    office.select_option("#id_outcome", "denied")
    office.locator("input[name=criteria][value='2']").check()
    office.fill("#id_reasons", "A clear risk that the radar is used for internal repression (criterion 2).")
    j.step(office, "the officer denies")
    office.locator(f"form[action='/office/cases/{case.pk}/decision/'] button").click()
    office.locator(f"form[action='/office/cases/{case.pk}/decision/'] button.danger").click()
    assert cases.status_of(case.pk) == Status.ADVICE_GIVEN  # a denial waits for a second officer
    second_officer = new_page(officer2, "nl")
    second_officer.goto(f"/office/cases/{case.pk}/")
    second_officer.locator(f"form[action='/office/cases/{case.pk}/decision/countersign/'] button[name=agree][value='1']").click()
    assert cases.status_of(case.pk) == Status.DENIED
    j.step(second_officer, "denied, countersigned")

    exporter = new_page(exporter_a, "en")
    exporter.goto(f"/applications/{case.pk}/")
    decision = text(exporter, "section[aria-labelledby=decision-title]")
    assert "Denied" in decision and "internal repression" in decision
    j.step(exporter, "the denial notice")
    with exporter.expect_download() as download:
        exporter.locator(f"a[href='/applications/{case.pk}/decision/document/']").click()
    letter = Path(download.value.path()).read_bytes()
    assert letter.startswith(b"%PDF-")
    (screenshot_dir(j.name) / "denial-notice.pdf").write_bytes(letter)

    office.locator("header nav a[href='/office/denials/']").click()
    office.select_option("#own", "true")
    office.locator("main form.filters button").click()
    assert case.reference in text(office, "main table")
    j.step(office, "the register entry")

    # The same radar to the same end user: the officer sees our denial as prior information. Nobody is consulted
    # about our own denial (issue 19.3; PROCESS.md 6.1: consultation is with the member state that denied).
    later = cases.submitted(exporter_a, cases.SAUDI)
    office.goto(f"/office/cases/{later.pk}/")
    assert case.reference in text(office, "section[aria-labelledby=prior-title]")
    assert office.locator("section[aria-labelledby=consult-title]").count() == 0
    j.step(office, "the identical application shows our denial, with no consultation")


def _page_exists(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def test_an_administrator_imports_a_sanctions_list_and_follows_the_rescreen(reference_db, live_worker, new_page, journey, exporter_a, administrator):
    if not _page_exists("screening:runs"):
        pytest.skip("the screening pages (/screening/runs/) are not in this build")
    from licensing.screening.models import RunStatus, ScreeningRun

    j = journey("5-sanctions-import")
    cases.submitted(exporter_a, cases.NORWAY)  # an open application to screen again
    page = new_page(administrator, "nl")
    page.goto(reverse("screening:runs"))
    j.step(page, "the sanctions lists page")
    page.select_option("#id_format", "eu-xml")
    page.set_input_files("#id_file", str(Path(settings.BASE_DIR) / "fixtures" / "screening" / "eu_sample.xml"))
    page.locator("main form[enctype='multipart/form-data'] button").click()
    assert page.locator(".messages").count() == 1
    j.step(page, "list uploaded, import under way")
    run = ScreeningRun.objects.order_by("-pk").first()
    wait_for(lambda: ScreeningRun.objects.get(pk=run.pk).status in (RunStatus.DONE, RunStatus.FAILED), what="the import and re-screen (live worker)")
    assert ScreeningRun.objects.get(pk=run.pk).status == RunStatus.DONE
    # The page updates its table in place while the worker runs (no reload).
    page.wait_for_function("() => document.querySelector('#runs-body progress') && document.querySelector('#runs-body progress').value == 100")
    j.step(page, "import and re-screen done")
    switch_language(page, "en")
    j.step(page, "the sanctions lists page in English")


def test_the_annual_report_with_its_charts_and_downloads(reference_db, live_worker, new_page, journey, officer):
    if not _page_exists("reports:index"):
        pytest.skip("the report pages (/reports/) are not in this build")
    from django.core.management import call_command

    call_command("import_decisions", str(Path(settings.BASE_DIR) / "fixtures" / "demo" / "decisions_2024.csv"), verbosity=0)
    j = journey("6-annual-report")
    page = new_page(officer, "nl")
    page.goto(reverse("reports:index"))
    j.step(page, "the reports page")
    page.fill("#id_year", "2024")
    page.locator("main form[method=get] button").click()
    assert page.url.rstrip("/").endswith("/reports/2024")
    assert page.locator("main svg").count() >= 2  # the charts
    j.step(page, "the annual report 2024 in Dutch")

    with page.expect_download() as download:
        page.locator("main .downloads a[href*='format=xlsx']").click()
    xlsx = Path(download.value.path()).read_bytes()
    assert xlsx.startswith(b"PK")  # an Office Open XML workbook is a zip file
    csv_link = page.locator("main .downloads a[href*='format=csv']").first.get_attribute("href")
    response = page.request.get(csv_link)
    assert response.ok and "," in response.text().splitlines()[0]

    switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    j.step(page, "the annual report 2024 in English")
