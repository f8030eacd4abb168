"""
An organisation that runs itself, in a real browser (issue 20): a company registers itself, the office vets it, its
administrator invites a preparer and a signatory by e-mail and keeps the organisation's address book and goods
library; the preparer copies an earlier application and works through the guided sections, picking a party from the
address book and a goods line from the library, the signatory checks the answers, signs the declaration and submits; the confirmation
page says who decides and by when. And a session that times out while a section is being filled keeps what was typed.

The whole journey runs twice: in Dutch on a phone (390 px) and in English on a laptop (1280 px); each page is
screenshotted and checked with axe-core (tests/e2e/conftest.py). Sideways scrolling at 320 px is test_reflow.py's.
The invitation mails are sent by the live worker through the outbox and read from its mail files, link and all.
"""
import re
import time
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import formats, timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from licensing.accounts.middleware import SEEN_AT
from licensing.accounts.models import Organisation, OrganisationStatus, OrgRole, User
from licensing.applications.models import Application, Status
from tests.conftest import worker_mail
from tests.e2e import cases
from tests.e2e.conftest import login
from tests.factories import PASSWORD as FACTORY_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PASSWORD = "Vergunning-aanvragen-2026"
PHONE, LAPTOP = 390, 1280


def words(language: str, text: str) -> str:
    """What the page says for `text` in its language; a Dutch page must not fall back to the English words."""
    with translation.override(language):
        said = gettext(text)
    assert language == "en" or said != text, f"no Dutch for {text!r}"
    return said


def shown_date(language: str, moment) -> str:
    """A date as the page's language writes it (config/formats: "4 december 2026", "4 December 2026")."""
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def main_text(page) -> str:
    return page.locator("main").inner_text()


def at_width(page, width: int):
    page.set_viewport_size({"width": width, "height": 900 if width > PHONE else 844})
    return page


def click(page, name: str) -> None:
    """Press the button or link a person would, by its words (the first of that name in the page's main part)."""
    page.locator("main").get_by_role("button", name=name, exact=True).or_(page.locator("main").get_by_role("link", name=name, exact=True)).first.click()
    page.wait_for_load_state()


# --- the steps a person takes, each one small.
def _register(page, j, language: str, company: dict) -> User:
    page.goto("/register/")
    assert page.locator("html").get_attribute("lang") == language
    j.step(page, "register your organisation")
    for field in ("name", "kvk_number", "eori_number", "address", "first_name", "last_name", "email", "username"):
        page.fill(f"#id_{field}", company[field])
    page.select_option("#id_language", language)
    page.fill("#id_password", PASSWORD)
    click(page, words(language, "Register"))
    assert urlparse(page.url).path == "/login/"
    assert words(language, "Your organisation is registered. The licensing office checks it before you can submit applications; you can log in and prepare drafts now.") in page.locator(".messages").inner_text()
    j.step(page, "registered, log in")
    admin = User.objects.get(username=company["username"])
    assert admin.organisation.status == OrganisationStatus.PENDING and admin.org_role == OrgRole.ADMINISTRATOR
    return admin


def _vet(page, j, language: str, organisation: Organisation) -> None:
    page.goto("/office/organisations/")
    section = page.locator(f"section[aria-labelledby=org-{organisation.pk}]")
    assert organisation.kvk_number in section.inner_text() and organisation.eori_number in section.inner_text()
    j.step(page, "organisations to vet")
    section.get_by_role("button", name=words(language, "Accept"), exact=True).click()
    page.wait_for_load_state()
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.ACTIVE
    j.step(page, "organisation accepted")


def _invite(page, j, language: str, email: str, role: str) -> None:
    page.fill("#id_email", email)
    page.select_option("#id_org_role", role)
    click(page, words(language, "Send the invitation"))
    assert email in page.locator(".messages").inner_text()


def _invitation_path(worker, email: str) -> str:
    """The link in the invitation mail the live worker sent, as the colleague would follow it (on this test server)."""
    (message,) = worker_mail(worker, to=email)
    link = re.search(r"https?://\S+/invitations/\S+/", message.get_body().get_content())
    assert link, message.get_body().get_content()
    return urlparse(link.group(0)).path


def _accept(page, j, language: str, path: str, person: dict) -> User:
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == language
    j.step(page, f"invitation for {person['username']}")
    for field in ("first_name", "last_name", "username"):
        page.fill(f"#id_{field}", person[field])
    page.fill("#id_password", PASSWORD)
    click(page, words(language, "Make my account"))
    assert urlparse(page.url).path == "/login/"
    user = User.objects.get(username=person["username"])
    login(page, user, PASSWORD)
    return user


def _within_reach(page, control) -> None:
    """The control is on the screen's width: a person on a phone sees it without scrolling sideways."""
    box = control.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"], f"off-screen: {control}"


def _save_and_continue(page, language: str) -> None:
    click(page, words(language, "Save and continue"))
    assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()


WHEELS = {"goods_kind": "military", "description": "Wheels for armoured vehicles", "control_entry": "ML6"}
LOGISTICS = {"role": "intermediate_consignee", "name": "Kongsberg Logistikk AS", "address": "Kirkegårdsveien 45, 3616 Kongsberg", "country": "NO", "party_type": "company"}


def _keep_the_books(page, j, language: str, *, party: dict, product: dict) -> None:
    """The administrator puts a party the organisation ships through into its address book and a product it
    exports into its goods library, for its people to pick from."""
    page.goto("/organisation/address-book/add/")
    page.select_option("#id_role", party["role"])
    page.fill("#id_name", party["name"])
    page.fill("#id_address", party["address"])
    page.select_option("#id_country", party["country"])
    page.select_option("#id_party_type", party["party_type"])
    click(page, words(language, "Save"))
    assert urlparse(page.url).path == "/organisation/address-book/" and party["name"] in main_text(page)
    j.step(page, "the address book")
    page.goto("/organisation/goods-library/add/")
    page.select_option("#id_goods_kind", product["goods_kind"])
    page.fill("#id_description", product["description"])
    page.fill("#id_control_entry", product["control_entry"])
    click(page, words(language, "Save"))
    assert urlparse(page.url).path == "/organisation/goods-library/" and product["description"] in main_text(page)
    j.step(page, "the goods library")


def _pick(page, language: str, list_words: str, name: str) -> None:
    """On a guided list: open the organisation's book or library and pick `name` (the button says "Pick", and its
    name for a screen reader "Pick <name>")."""
    click(page, words(language, list_words))
    page.locator("main").get_by_role("button", name=re.compile(re.escape(name) + "$")).click()
    page.wait_for_load_state()


def _add_goods_line(page, language: str, *, product: dict, quantity: str, value: str) -> None:
    """On the goods list: a line picked from the goods library, with this shipment's quantity and value, back on the
    list."""
    _pick(page, language, "Pick from goods library", product["description"])
    assert page.input_value("#id_description") == product["description"] and page.input_value("#id_control_entry") == product["control_entry"]
    assert page.input_value("#id_quantity") == "" and page.input_value("#id_value_eur") == ""  # the shipment's, never the library's
    page.fill("#id_quantity", quantity)
    page.fill("#id_value_eur", value)
    _save_and_continue(page, language)
    assert product["description"] in main_text(page)


def _add_party(page, language: str, *, party: dict) -> None:
    """On the parties list: a party picked from the address book, back on the list."""
    _pick(page, language, "Pick from address book", party["name"])
    assert page.input_value("#id_name") == party["name"] and page.input_value("#id_country") == party["country"]
    _save_and_continue(page, language)
    assert party["name"] in main_text(page)


def _prepare_from_a_copy(page, j, language: str, earlier: Application, amounts: dict) -> Application:
    """The preparer copies the earlier application and goes through every section; a preparer may not submit."""
    page.goto("/applications/")
    page.locator(f"main a[href='/applications/{earlier.pk}/']").first.click()
    assert page.locator(f"form[action='/applications/{earlier.pk}/withdraw/']").count() == 0  # a preparer does not withdraw
    j.step(page, "the earlier application")
    click(page, words(language, "Copy into a new application"))
    copy = Application.objects.filter(organisation=earlier.organisation, status=Status.DRAFT).latest("pk")
    assert urlparse(page.url).path == f"/applications/{copy.pk}/tasks/"
    assert earlier.reference in page.locator(".messages").inner_text()
    j.step(page, "task list of the copy")

    page.locator("#task-about a").click()
    page.fill("#id_title", "Radar spares for the Norwegian navy, second batch")
    j.step(page, "about the application")
    _save_and_continue(page, language)
    assert urlparse(page.url).path == f"/applications/{copy.pk}/tasks/destinations/"
    page.locator("main button[name=remove][value=NO]").click()  # the copied destination, removed and typed again
    assert words(language, "No destination added yet.") in main_text(page)
    page.fill("#id_destinations", "noorw")  # the beginning of its Dutch name, whatever the page's language
    page.press("#id_destinations", "Enter")  # Enter adds the country: the first button of the form
    page.wait_for_load_state()
    assert "(NO)" in page.locator("main ul.chosen-countries").inner_text()
    j.step(page, "destinations")
    _save_and_continue(page, language)
    j.step(page, "end use")
    _save_and_continue(page, language)
    assert urlparse(page.url).path == f"/applications/{copy.pk}/tasks/goods/"
    _add_goods_line(page, language, product=WHEELS, quantity="16", value=amounts["typed"])
    assert amounts["shown"] in main_text(page)  # typed and shown in the page's own notation
    _within_reach(page, page.locator("main table tbody a[href$='/tasks/goods/2/']").first)  # each line opens on a phone
    j.step(page, "goods")
    page.locator("main table tbody a[href$='/tasks/goods/2/']").first.click()
    _within_reach(page, page.locator("main").get_by_role("button", name=words(language, "Remove this goods line")))
    click(page, words(language, "Back to the list without saving"))
    click(page, words(language, "Continue"))
    _add_party(page, language, party=LOGISTICS)
    j.step(page, "parties")
    click(page, words(language, "Continue"))
    page.select_option("#id_doc_type", "end_user_certificate")
    page.set_input_files("#id_file", files=[{"name": "end-user-certificate.pdf", "mimeType": "application/pdf", "buffer": cases.pdf_bytes("End-user certificate")}])
    click(page, words(language, "Upload"))
    assert "end-user-certificate.pdf" in main_text(page)
    j.step(page, "documents")
    click(page, words(language, "Continue"))
    assert urlparse(page.url).path == f"/applications/{copy.pk}/tasks/check/"
    assert page.locator("main form button.primary").count() == 0  # the preparer prepares; a signatory submits
    j.step(page, "check your answers, as the preparer")
    copy.refresh_from_db()
    assert copy.goods.count() == earlier.goods.count() + 1 and copy.parties.count() == earlier.parties.count() + 1
    return copy


def _sign_and_submit(page, j, language: str, application: Application, live_worker) -> None:
    page.goto("/applications/")
    page.locator(f"main a[href^='/applications/{application.pk}/']").first.click()
    page.goto(f"/applications/{application.pk}/tasks/check/")
    assert "Wheels for armoured vehicles" in main_text(page) and "Kongsberg Logistikk AS" in main_text(page)
    j.step(page, "check your answers, as the signatory")
    page.locator("#id_declaration").check()
    click(page, words(language, "Accept and submit"))
    assert urlparse(page.url).path == f"/applications/{application.pk}/submitted/"
    cases.wait_for_status(application.pk, Status.IN_REVIEW)  # routed by the live worker: now it says who decides
    page.reload()
    application.refresh_from_db()
    shown = main_text(page)
    assert application.reference in page.locator(".confirmation-panel .reference").inner_text()
    assert words(language, "The licensing office (CDIU) is assessing your application and decides on it.") in shown
    assert application.deadline_at is not None
    deadline = shown_date(language, application.deadline_at)
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}", deadline), f"{deadline!r}: not day, month, year"  # never "Jan. 29, 2027"
    assert deadline in page.locator(".case-status").inner_text()
    assert not re.search(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+\b", shown), "a rule id is shown to the exporter"
    panel, reference = page.locator(".confirmation-panel").bounding_box(), page.locator(".confirmation-panel .reference").bounding_box()
    assert abs((panel["x"] + panel["width"] / 2) - (reference["x"] + reference["width"] / 2)) < 2, "the reference stands off-centre in its panel"
    j.step(page, "confirmation")


@pytest.mark.parametrize(
    "language, width, company, amounts",
    [
        ("nl", PHONE, {"name": "Zeeland Optronics B.V.", "kvk_number": "87654321", "eori_number": "NL876543210", "address": "Havenweg 1\n4381 Vlissingen",
                       "first_name": "Anna", "last_name": "de Vries", "email": "anna@zeeland-optronics.example", "username": "anna"},
         {"typed": "48.000,50", "shown": "48.000,50"}),
        ("en", LAPTOP, {"name": "Brabant Sensors B.V.", "kvk_number": "76543210", "eori_number": "NL765432109", "address": "Hightech Campus 5\n5656 AE Eindhoven",
                        "first_name": "Bram", "last_name": "Jansen", "email": "bram@brabant-sensors.example", "username": "bram"},
         {"typed": "48,000.50", "shown": "48,000.50"}),
    ],
    ids=["nl-390", "en-1280"],
)
def test_a_company_registers_invites_its_people_and_files_a_copied_application(reference_db, live_worker, new_page, journey, officer, language, width, company, amounts):
    j = journey(f"organisation-{language}-{width}")
    domain = company["email"].split("@")[1]
    preparer = {"first_name": "Piet", "last_name": "Bakker", "username": f"piet-{language}", "email": f"piet@{domain}"}
    signatory = {"first_name": "Sara", "last_name": "Smit", "username": f"sara-{language}", "email": f"sara@{domain}"}

    newcomer = at_width(new_page(language=language), width)
    admin = _register(newcomer, j, language, company)
    _vet(at_width(new_page(officer, language), width), j, language, admin.organisation)

    login(newcomer, admin, PASSWORD)
    newcomer.goto("/organisation/")
    j.step(newcomer, "the organisation's people")
    _invite(newcomer, j, language, preparer["email"], OrgRole.PREPARER)
    _invite(newcomer, j, language, signatory["email"], OrgRole.SIGNATORY)
    assert preparer["email"] in main_text(newcomer) and signatory["email"] in main_text(newcomer)  # waiting to accept
    j.step(newcomer, "two colleagues invited")
    _keep_the_books(newcomer, j, language, party=LOGISTICS, product=WHEELS)
    earlier = cases.submitted(admin, cases.NORWAY)  # the organisation's earlier application, filed before

    piet_page = at_width(new_page(language=language), width)
    piet = _accept(piet_page, j, language, _invitation_path(live_worker, preparer["email"]), preparer)
    assert piet.org_role == OrgRole.PREPARER and piet.organisation_id == admin.organisation_id
    copy = _prepare_from_a_copy(piet_page, j, language, earlier, amounts)

    sara_page = at_width(new_page(language=language), width)
    sara = _accept(sara_page, j, language, _invitation_path(live_worker, signatory["email"]), signatory)
    assert sara.org_role == OrgRole.SIGNATORY
    newcomer.goto("/organisation/")
    row = newcomer.locator("main tbody tr", has_text=preparer["email"])
    _within_reach(newcomer, row.locator("select[name=org_role]"))  # a colleague's role is changed on a phone too
    _within_reach(newcomer, row.get_by_role("button", name=words(language, "Change role")))
    j.step(newcomer, "the organisation's people, all joined")
    _sign_and_submit(sara_page, j, language, copy, live_worker)


def _session_expired(page) -> None:
    """The person was away longer than SESSION_IDLE_SECONDS: their session, on the server, was last seen then."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    session: SessionBase = import_string(f"{settings.SESSION_ENGINE}.SessionStore")(session_key=cookie["value"])
    session[SEEN_AT] = int(time.time()) - settings.SESSION_IDLE_SECONDS - 1
    session.save()


def test_a_timed_out_session_keeps_the_typed_section(reference_db, new_page, journey, exporter_a):
    language = "en"
    j = journey(f"session-timeout-{language}-{PHONE}")
    page = at_width(new_page(exporter_a, language), PHONE)
    page.goto("/applications/guided/start/")
    page.locator("input[name=kind][value=individual]").check()
    page.locator("input[name=movement][value=export]").check()
    click(page, words(language, "Start the application"))
    pk = int(urlparse(page.url).path.split("/")[2])
    page.locator("#task-about a").click()
    page.fill("#id_title", "Night-vision goggles for the Belgian police")
    page.select_option("#id_purpose", "sale")
    j.step(page, "about, typed")

    _session_expired(page)
    click(page, words(language, "Save and continue"))
    assert urlparse(page.url).path == "/login/"
    assert words(language, "Your session had ended, so what you sent was not saved yet. Log in again: what you typed has been kept.") in page.locator(".messages").inner_text()
    j.step(page, "session ended, log in again")
    assert Application.objects.get(pk=pk).title == ""  # nothing was saved while logged out

    page.fill("#id_username", exporter_a.username)
    page.fill("#id_password", FACTORY_PASSWORD)
    page.locator("main form button").click()
    page.wait_for_load_state()
    assert words(language, "What you typed before your session ended has been sent again.") in page.locator(".messages").inner_text()
    assert urlparse(page.url).path == f"/applications/{pk}/tasks/destinations/"  # saved, and on to the next section
    j.step(page, "typed section restored and saved")
    application = Application.objects.get(pk=pk)
    assert (application.title, application.purpose) == ("Night-vision goggles for the Belgian police", "sale")
    page.goto(f"/applications/{pk}/tasks/about/")
    assert page.input_value("#id_title") == "Night-vision goggles for the Belgian police"
