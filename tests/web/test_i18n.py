"""The pages speak Dutch by default and English on request; dates and amounts follow the language."""
import contextlib
import gettext
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import formats, timezone, translation
from django.utils.html import escape

from licensing.applications.models import Application
from tests.factories import PASSWORD, application_payload

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES"


def logged_in(user, **headers) -> Client:
    client = Client(**headers)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([a-z-]+)"', html)[1]


def test_pages_are_dutch_by_default():
    page = Client().get("/login/").content.decode()
    assert lang_of(page) == "nl"
    assert "<h1>Inloggen</h1>" in page
    assert "Direct naar de inhoud" in page


def test_the_browser_language_is_followed():
    page = Client(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").get("/login/").content.decode()
    assert lang_of(page) == "en"
    assert "<h1>Log in</h1>" in page


def test_the_language_form_switches_to_english_and_back(exporter_a):
    client = logged_in(exporter_a)
    assert "Mijn aanvragen" in client.get("/applications/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/applications/"})
    assert response.status_code == 302 and response["Location"] == "/applications/"
    page = client.get("/applications/").content.decode()
    assert lang_of(page) == "en" and "<h1>My applications</h1>" in page
    client.post("/i18n/setlang/", {"language": "nl", "next": "/applications/"})
    assert "<h1>Mijn aanvragen</h1>" in client.get("/applications/").content.decode()


def test_the_language_chosen_is_remembered_for_the_persons_e_mails(exporter_a):
    assert exporter_a.preferred_language == "nl"  # the organisation's, until the person chooses
    client = logged_in(exporter_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/applications/"})
    exporter_a.refresh_from_db()
    assert exporter_a.language == "en" and exporter_a.preferred_language == "en"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/applications/"})  # not a language we speak
    exporter_a.refresh_from_db()
    assert exporter_a.language == "en"


def test_the_language_form_is_on_every_page_and_keeps_the_page(exporter_a):
    page = logged_in(exporter_a).get("/licences/?x=1").content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert '<input type="hidden" name="next" value="/licences/?x=1">' in page


@pytest.fixture
def application(api_as, exporter_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    payload = application_payload()
    payload["goods"][0]["value_eur"] = "1234.56"
    payload["goods"][0]["quantity"] = "1500"
    response = api_as(exporter_a).post("/api/v1/applications/", payload, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_amounts_and_quantities_are_written_the_way_each_language_writes_them(exporter_a, application):
    url = f"/applications/{application['id']}/"
    dutch = logged_in(exporter_a).get(url).content.decode()
    english = logged_in(exporter_a, HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert "1.234,56" in dutch and "1.500" in dutch and "48.000,00" in dutch
    assert "1,234.56" in english and "1,500" in english and "48,000.00" in english


def test_dates_are_written_the_way_each_language_writes_them(exporter_a, application):
    today = timezone.localdate()
    with translation.override("nl"):
        dutch_date = formats.date_format(today, "SHORT_DATE_FORMAT")
    with translation.override("en"):
        english_date = formats.date_format(today, "SHORT_DATE_FORMAT")
    assert dutch_date != english_date
    assert dutch_date in logged_in(exporter_a).get("/applications/").content.decode()
    assert english_date in logged_in(exporter_a, HTTP_ACCEPT_LANGUAGE="en").get("/applications/").content.decode()


def test_choices_and_statuses_are_translated(exporter_a, application):
    dutch = logged_in(exporter_a).get(f"/applications/{application['id']}/").content.decode()
    assert "Individuele vergunning" in dutch and "Concept" in dutch and "Geadresseerde" in dutch


def _po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) of every singular entry of a .po file; enough for a check, not a full parser."""

    def unquote(lines):
        return "".join(eval(line) for line in lines)  # noqa: S307 - each line is a C-style quoted string

    entries, fuzzy, msgid, msgstr, current = [], False, None, None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#,"):
            fuzzy = "fuzzy" in line
        elif line.startswith("msgid "):
            msgid, current = [line[6:]], "id"
        elif line.startswith("msgid_plural") or line.startswith("msgstr["):
            current = "plural"
        elif line.startswith("msgstr "):
            msgstr, current = [line[7:]], "str"
        elif line.startswith('"'):
            (msgid if current == "id" else msgstr if current == "str" else []).append(line)
        elif not line and msgid is not None:
            if current == "str":
                entries.append((unquote(msgid), unquote(msgstr), fuzzy))
            fuzzy, msgid, msgstr, current = False, None, None, None
    return [e for e in entries if e[0]]


def test_every_string_has_a_dutch_translation_and_the_compiled_catalogue_is_current():
    entries = _po_entries(CATALOGUE / "django.po")
    assert len(entries) > 400
    untranslated = [msgid for msgid, msgstr, fuzzy in entries if not msgstr or fuzzy]
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:10]}"
    with open(CATALOGUE / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [msgid for msgid, msgstr, _ in entries if compiled.gettext(msgid) != msgstr]
    assert not stale, f"django.mo is older than django.po (run compilemessages): {stale[:10]}"


def test_every_translatable_string_in_the_source_is_in_the_catalogue(tmp_path, settings):
    """Django's own extraction (makemessages, as scripts/translations.sh runs it) over a copy of the shipped code.

    A new string wrapped in gettext or {% translate %} that nobody added to the catalogue fails here, and so
    does an entry whose text no longer occurs anywhere (a string that was reworded).
    """
    base = Path(settings.BASE_DIR)
    for name in ("config", "licensing", "templates", "locale"):
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    with contextlib.chdir(tmp_path):
        call_command("makemessages", locale=["nl"], verbosity=0)
    extracted = {msgid for msgid, _, _ in _po_entries(tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po")}
    catalogued = {msgid for msgid, _, _ in _po_entries(CATALOGUE / "django.po")}
    assert not extracted - catalogued, f"not in the catalogue (run scripts/translations.sh): {sorted(extracted - catalogued)[:10]}"
    assert not catalogued - extracted, f"no longer in the source: {sorted(catalogued - extracted)[:10]}"


def test_the_decimal_amounts_filter_groups_thousands_per_language():
    from django.template import Context, Template

    template = Template('{{ amount|floatformat:"2g" }}')
    with translation.override("nl"):
        assert template.render(Context({"amount": Decimal("1234567.5")})) == "1.234.567,50"
    with translation.override("en"):
        assert template.render(Context({"amount": Decimal("1234567.5")})) == "1,234,567.50"


def test_the_rules_that_fired_are_read_in_the_readers_language_and_the_codes_stay(api_as, exporter_a):
    facts = {"goods_kind": "military", "movement": "export", "destination": "DE", "control_entry": "ML6"}
    english = api_as(exporter_a).post("/api/v1/determinations/", facts, format="json").json()
    client = api_as(exporter_a)
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="nl")
    dutch = client.post("/api/v1/determinations/", facts, format="json").json()
    assert {k: v for k, v in dutch.items() if k != "rules"} == {k: v for k, v in english.items() if k != "rules"}
    assert [r["id"] for r in dutch["rules"]] == [r["id"] for r in english["rules"]]
    texts = dict(zip((r["id"] for r in dutch["rules"]), zip((r["text"] for r in english["rules"]), (r["text"] for r in dutch["rules"]))))
    assert texts["military.licence_required"] == (
        "Military goods (EU Common Military List, ML1-ML22) need a licence for every export, transfer within the EU, "
        "transit through the Netherlands and brokering. A general licence may cover the transaction.",
        "Voor militaire goederen (Gemeenschappelijke Militaire Lijst van de EU, ML1-ML22) is een vergunning nodig voor "
        "elke uitvoer, overbrenging binnen de EU, doorvoer door Nederland en tussenhandel. Een algemene vergunning kan "
        "de transactie dekken.",
    )


def test_the_rules_stored_with_an_application_are_shown_in_the_readers_language(exporter_a, application):
    from licensing.applications.models import Application
    from licensing.routing.rules import RULES_BY_ID

    rule = RULES_BY_ID["handler.military.eu_nato_plus"]
    with translation.override("en"):
        stored = {"id": rule.id, "text": str(rule.text)}
    Application.objects.filter(pk=application["id"]).update(
        determination={"licence_required": True, "prohibited": False, "handler": "licensing_office", "general_licences": [], "fast_track_parliament": False, "rules": [stored]}
    )
    page = logged_in(exporter_a).get(f"/applications/{application['id']}/").content.decode()
    assert "de CDIU beslist volgens de werkinstructie van het ministerie" in page and escape(stored["text"]) not in page
    english = logged_in(exporter_a, HTTP_ACCEPT_LANGUAGE="en").get(f"/applications/{application['id']}/").content.decode()
    assert escape(stored["text"]) in english


def _pdf_text(content: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_the_licence_goes_out_in_the_holders_language_whoever_downloads_it(api_as, exporter_a, officer, submit):
    application = submit(exporter_a)  # military to Norway: the office decides alone
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "issued"}, format="json").status_code == 201
    url = f"/api/v1/applications/{application.pk}/decision/document/"
    dutch = _pdf_text(api_as(exporter_a).get(url).content)
    assert "Vergunning voor de uitvoer van strategische goederen" in dutch and "Noorwegen (NO)" in dutch and "Houder" in dutch
    exporter_a.organisation.language = "en"
    exporter_a.organisation.save(update_fields=["language"])
    english = _pdf_text(api_as(officer).get(url).content)  # the officer reads what the holder received
    assert "Export licence for strategic goods" in english and "Norway (NO)" in english and "Holder" in english


def test_a_sondage_answer_gives_the_verdict_and_the_caveat_in_the_letters_language(api_as, exporter_a, officer, submit):
    application = submit(exporter_a, kind="sondage")
    answer = {"outcome": "answered", "answer": "Positief voor Noorwegen.", "positive": True}
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", answer, format="json").status_code == 201
    letter = _pdf_text(api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/").content)
    assert "zou een vergunning waarschijnlijk worden verleend" in letter and "Positief voor Noorwegen." in letter
    assert "er kunnen geen rechten aan worden ontleend" in letter and "no rights" not in letter


def test_api_errors_follow_the_requests_language_and_keep_their_code(api_as, exporter_a):
    client = api_as(exporter_a)
    english = client.post("/api/v1/applications/", {**application_payload(), "goods": []}, format="json")
    draft = english.json()
    submit_en = client.post(f"/api/v1/applications/{draft['id']}/submit/").json()
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="nl")
    submit_nl = client.post(f"/api/v1/applications/{draft['id']}/submit/").json()
    assert submit_en["code"] == submit_nl["code"] == "incomplete" and submit_en["fields"].keys() == submit_nl["fields"].keys()
    assert submit_en["detail"] == "The application is not complete; nothing was submitted."
    assert submit_nl["detail"] == "De aanvraag is niet volledig; er is niets ingediend."
    assert "Voeg ten minste één goederenregel toe." in submit_nl["fields"]["goods"]


def test_the_fill_script_fills_empty_and_fuzzy_entries_and_keeps_the_rest(tmp_path):
    """scripts/fill_translations.py, which scripts/translations.sh runs on the helpers' msgid<TAB>msgstr files."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fill", Path(settings.BASE_DIR) / "scripts" / "fill_translations.py")
    fill = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fill)
    po = (
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        '#: a.py:1\nmsgid "Licence"\nmsgstr "Vergunning"\n\n'
        '#: a.py:2\n#, fuzzy, python-format\n#| msgid "Old %(n)s"\nmsgid "New %(n)s"\nmsgstr "Oud %(n)s"\n\n'
        '#: a.py:3\nmsgid ""\n"A long line "\n"that wraps"\nmsgstr ""\n\n'
        '#: a.py:4\nmsgid "Missing"\nmsgstr ""\n'
    )
    tsv = tmp_path / "helper.txt"
    tsv.write_text('New %(n)s\tNieuw %(n)s\nA long line that wraps\tEen lange "regel"\\nin twee delen\nLicence\tLicentie\n', encoding="utf-8")
    text, missing = fill.fill(po, fill.read_tsv([tsv]))
    assert missing == ["Missing"]
    entries = {msgid: (msgstr, fuzzy) for msgid, msgstr, fuzzy in _po_entries_of(tmp_path, text)}
    assert entries["Licence"] == ("Vergunning", False)  # translated already: kept
    assert entries["New %(n)s"] == ("Nieuw %(n)s", False) and "#, python-format" in text and "#|" not in text
    assert entries["A long line that wraps"] == ('Een lange "regel"\nin twee delen', False)
    overridden, _ = fill.fill(po, fill.read_tsv([tsv]), override=True)
    assert dict((m, s) for m, s, _ in _po_entries_of(tmp_path, overridden))["Licence"] == "Licentie"


def _po_entries_of(tmp_path, text):
    path = tmp_path / "out.po"
    path.write_text(text, encoding="utf-8")
    return _po_entries(path)


def test_the_application_api_gives_the_stored_rules_in_the_requests_language(api_as, exporter_a, submit):
    application = submit(exporter_a)  # routed: the record keeps the rule texts in English
    stored = Application.objects.get(pk=application.pk).determination["rules"]
    assert any(r["text"].startswith("Military goods (EU Common Military List") for r in stored)
    client = api_as(exporter_a)
    english = client.get(f"/api/v1/applications/{application.pk}/").json()["determination"]
    client.credentials(HTTP_AUTHORIZATION=client._credentials["HTTP_AUTHORIZATION"], HTTP_ACCEPT_LANGUAGE="nl")
    dutch = client.get(f"/api/v1/applications/{application.pk}/").json()["determination"]
    assert [r["id"] for r in dutch["rules"]] == [r["id"] for r in english["rules"]] == [r["id"] for r in stored]
    assert [r["text"] for r in english["rules"]] == [r["text"] for r in stored]
    assert any(r["text"].startswith("Voor militaire goederen") for r in dutch["rules"])
    assert {k: v for k, v in dutch.items() if k != "rules"} == {k: v for k, v in english.items() if k != "rules"}
