"""Sanctions bans and the parties' countries (issues 19 and 23.3): each test quotes the sentence it comes from."""
import datetime
import shutil

import pytest
from django.core.management import call_command

from licensing.reference.loader import ReferenceDataError, fixtures_directory, reference_load
from licensing.reference.models import SanctionsBan
from tests.routing.test_rules import DU, ML, UNLISTED, det

pytestmark = pytest.mark.django_db

URL = "/api/v1/determinations/"
HANDLER_RULES = "handler."
# Issue 23.3's case: destination US, ultimate end user in Iran, intermediate consignee in Russia.
VIA_IRAN_AND_RUSSIA = (("consignee", "US"), ("ultimate_end_user", "IR"), ("intermediate_consignee", "RU"))


def ids(d) -> list[str]:
    return [r.id for r in d.rules]


# --- issue 19.1: dual-use goods to Russia and Belarus ------------------------------------------------------
def test_dual_use_goods_to_russia_are_prohibited_by_regulation_833_2014_article_2():
    """Regulation (EU) No 833/2014, Article 2(1): "It shall be prohibited to sell, supply, transfer or export,
    directly or indirectly, dual-use goods and technology, whether or not originating in the Union, to any natural
    or legal person, entity or body in Russia or for use in Russia." The seed (Toetsingskader): "Daarbij wordt ook
    gekeken naar besluiten van de VN en de EU ten aanzien van die bestemming, zoals sancties en embargo’s."

    Issue 19.1: the determination answered "licence required, ministry" with two contradictory "who decides" rules.
    """
    d = det(**DU, destination="RU")
    assert d.prohibited and d.licence_required and d.handler is None and d.general_licences == ()
    assert [(b.code, b.regulation, b.article, b.countries) for b in d.bans] == [
        ("ru-dual-use", "Council Regulation (EU) No 833/2014", "Article 2", ("RU",))
    ]
    assert "sanctions.ban" in ids(d)
    assert not [i for i in ids(d) if i.startswith(HANDLER_RULES)]  # nobody decides a prohibited case


def test_dual_use_goods_to_belarus_are_prohibited_by_regulation_765_2006_article_1e():
    """Regulation (EC) No 765/2006, Article 1e(1): "It shall be prohibited to sell, supply, transfer or export,
    directly or indirectly, dual-use goods and technology, whether or not originating in the Union, to any natural
    or legal person, entity or body in Belarus or for use in Belarus." """
    d = det(**DU, destination="BY")
    assert d.prohibited and d.handler is None
    assert [(b.regulation, b.article) for b in d.bans] == [("Council Regulation (EC) No 765/2006", "Article 1e")]


@pytest.mark.parametrize("movement", ["export", "transit", "brokering"])
def test_the_russia_ban_reaches_every_movement_and_items_without_an_entry(movement):
    """Regulation 833/2014 Article 2: "directly or indirectly"; Article 2(2) adds brokering services related to
    the goods. A dual-use line without its entry is treated as listed."""
    assert det(**DU, movement=movement, destination="RU").prohibited
    assert det(goods_kind="dual_use", movement=movement, destination="RU").prohibited


def test_the_exporter_is_told_which_ban_applies(api_as, exporter_a):
    """Issue 19.1: "an exporter is told which ban applies"."""
    body = api_as(exporter_a).post(URL, {"goods_kind": "dual_use", "movement": "export", "destination": "RU", "control_entry": "3A001"}, format="json").json()
    assert body["prohibited"] is True and body["handler"] is None
    assert body["bans"] == [
        {
            "code": "ru-dual-use",
            "name": "Russia: dual-use goods and technology",
            "regulation": "Council Regulation (EU) No 833/2014",
            "article": "Article 2",
            "url": "https://eur-lex.europa.eu/eli/reg/2014/833/oj",
            "countries": ["RU"],
        }
    ]


def test_the_determination_page_names_the_ban_and_links_its_source(client, exporter_a):
    client.force_login(exporter_a)
    page = client.get("/determination/", {"goods_kind": "dual_use", "movement": "export", "destination": "BY", "control_entry": "3A001", "end_use": "civil", "recipient_type": "company", "purpose": "sale"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Council Regulation (EC) No 765/2006, Article 1e" in html and 'href="https://eur-lex.europa.eu/eli/reg/2006/765/oj"' in html


def test_a_ban_out_of_force_does_not_prohibit_and_one_not_yet_in_force_neither():
    """Issue 19.1: bans carry their "date in force"."""
    assert not det(**DU, destination="RU", on=datetime.date(2022, 2, 24)).prohibited  # the day before Reg. 2022/328
    assert det(**DU, destination="RU", on=datetime.date(2022, 2, 25)).prohibited
    SanctionsBan.objects.filter(code="ru-dual-use").update(in_force_to=datetime.date(2023, 1, 1))
    SanctionsBan.objects.get(code="ru-dual-use").save()  # the admin's save: the routing copy follows
    assert not det(**DU, destination="RU").prohibited
    assert det(**DU, destination="RU", on=datetime.date(2022, 6, 1)).prohibited


def test_an_administrator_adds_an_hs_code_ban_with_a_readable_exception():
    """Issue 19.1: scope by "lists of items" (Annex VII/XXIII-type lists by customs code), and exceptions with "a
    machine flag where a rule can read it"."""
    ban = SanctionsBan.objects.create(
        code="ru-test-annex", name_en="Russia: listed goods", regulation="Council Regulation (EU) No 833/2014", article="Article 3k",
        goods_kinds="unlisted,dual_use", hs_codes="8471", movements="export", exception_end_uses="museum", source="test",
    )
    ban.destinations.set(["RU"])
    computers = dict(UNLISTED, destination="RU", hs_code="8471.50")
    assert [b.code for b in det(**computers).bans] == ["ru-test-annex"]
    assert not det(**dict(computers, hs_code="8473.30")).prohibited
    assert not det(**computers, end_use="museum").prohibited


# --- the arms embargoes are bans with their legal source ----------------------------------------------------
def test_full_arms_embargoes_are_bans_with_their_decision():
    """Decision 2014/512/CFSP, Article 2(1): "The direct or indirect sale, supply, transfer or export of arms and
    related materiel of all types ... to Russia ... shall be prohibited." """
    d = det(**ML, destination="RU")
    assert d.prohibited and [(b.regulation, b.article) for b in d.bans] == [("Council Decision 2014/512/CFSP", "Article 2(1)")]


def test_the_loader_refuses_a_full_arms_embargo_without_a_ban(tmp_path):
    """The ban list and the embargo list cannot drift apart: a full embargo in groups.yaml needs its ban."""
    directory = tmp_path / "reference"
    shutil.copytree(fixtures_directory(), directory)
    bans = directory / "sanctions_bans.yaml"
    text = bans.read_text(encoding="utf-8")
    bans.write_text(text[: text.index("  - code: zw-arms-embargo")], encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="full arms embargoes without a ban on military goods: ZW"):
        reference_load(directory=directory)


def test_loading_the_bans_twice_changes_nothing():
    call_command("load_reference", verbosity=0)
    counts = reference_load()["sanctions_bans"]
    assert counts["created"] == counts["updated"] == 0 and counts["unchanged"] == SanctionsBan.objects.count() >= 13


# --- issue 23.3: every party's country takes part ------------------------------------------------------------
def test_parties_in_embargoed_countries_prohibit_flag_and_name_the_bans():
    """Issue 23.3: "destination US, ultimate end user in Iran, intermediate consignee in Russia (both embargoed)
    routes to the office alone, not prohibited, no flag, issued. Every party's country takes part in routing,
    prohibition and flags." Regulation 833/2014 Article 2: "directly or indirectly ... or for use in Russia"."""
    military = det(**ML, parties=VIA_IRAN_AND_RUSSIA)
    assert military.prohibited and military.handler is None
    assert sorted(b.code for b in military.bans) == ["ir-arms-embargo", "ru-arms-embargo"]
    assert military.flagged_countries == ("IR", "RU")
    assert "party.embargoed_country" in ids(military)
    dual_use = det(**DU, parties=VIA_IRAN_AND_RUSSIA)
    assert dual_use.prohibited and [b.code for b in dual_use.bans] == ["ru-dual-use"] and dual_use.general_licences == ()


def test_a_party_in_a_country_the_office_may_not_decide_for_sends_the_case_to_the_ministry():
    """Seed (Procedures Militaire goederen): "Uitzonderingen op bovenstaande regel zijn Cyprus en Turkije.
    Aanvragen voor uitvoer naar deze landen worden, evenals de aanvragen voor uitvoer naar alle overige landen, ter
    besluitvorming voorgelegd aan het ministerie van Buitenlandse Zaken." A party there counts as the destination."""
    d = det(**ML, destination="DE", parties=(("consignee", "DE"), ("ultimate_end_user", "IN")))
    assert d.handler == "ministry" and not d.prohibited and d.flagged_countries == ()
    assert "handler.party_country" in ids(d)
    assert "handler.military.eu_nato_plus" not in ids(d)  # the office's rule would contradict the answer
    assert det(**ML, destination="DE", parties=(("consignee", "FR"), ("broker", "NO"))).handler == "licensing_office"


def test_an_end_user_under_a_partial_embargo_bars_general_licences_and_triggers_the_catch_all():
    """Regulation (EU) 2021/821 Article 4(1)(b): unlisted items need a licence for a military end use where "the
    purchasing country or country of destination is subject to an arms embargo"; the end user's country is where
    the goods are used. No Union general export authorisation may be used for such exports (Annex II)."""
    d = det(**DU, parties=(("end_user", "IQ"),))
    assert d.general_licences == () and d.handler == "ministry" and d.flagged_countries == ("IQ",)
    assert det(**UNLISTED, end_use="military", parties=(("ultimate_end_user", "IQ"),)).licence_required
    assert not det(**UNLISTED, end_use="military", parties=(("ultimate_end_user", "CA"),)).licence_required


def test_the_api_takes_parties_and_rejects_unknown_countries_and_roles(api_as, exporter_a):
    client = api_as(exporter_a)
    body = {"goods_kind": "military", "movement": "export", "destination": "US", "control_entry": "ML6"}
    answer = client.post(URL, {**body, "parties": [{"role": "ultimate_end_user", "country": " ir "}]}, format="json").json()
    assert answer["prohibited"] is True and answer["flagged_countries"] == ["IR"]
    bad = client.post(URL, {**body, "parties": [{"role": "ultimate_end_user", "country": "QQ"}]}, format="json")
    assert bad.status_code == 400 and "parties" in bad.json()["fields"]
    assert client.post(URL, {**body, "parties": [{"role": "cousin", "country": "US"}]}, format="json").status_code == 400
    too_many = [{"role": "broker", "country": "US"}] * 51
    assert client.post(URL, {**body, "parties": too_many}, format="json").status_code == 400


def test_a_submitted_application_with_parties_in_embargoed_countries_is_prohibited_and_flagged(api_as, exporter_a, officer, submit):
    """Issue 23.3, end to end: the stored routing and the office queue."""
    parties = [
        {"role": "consignee", "name": "Acme Inc", "address": "Houston", "country": "US"},
        {"role": "end_user", "name": "Acme Inc", "address": "Houston", "country": "US"},
        {"role": "ultimate_end_user", "name": "Unknown", "address": "Tehran", "country": "IR"},
        {"role": "intermediate_consignee", "name": "Transit LLC", "address": "Moscow", "country": "RU"},
    ]
    application = submit(exporter_a, destinations=["US"], parties=parties)
    assert application.determination["prohibited"] is True
    assert application.determination["flagged_countries"] == ["IR", "RU"]
    assert {b["code"] for b in application.determination["bans"]} == {"ir-arms-embargo", "ru-arms-embargo"}
    items = api_as(officer).get("/api/v1/office/queue/?flag=party_country").json()["results"]
    assert [i["reference"] for i in items] == [application.reference]
    assert {"prohibited", "party_country"} <= set(items[0]["flags"])


# --- issue 19.2: anti-torture goods within the EU -----------------------------------------------------------
@pytest.mark.parametrize("annex", ["ANNEX_II", "ANNEX_III", "ANNEX_IV"])
def test_anti_torture_goods_need_no_licence_within_the_eu(annex):
    """Seed (Procedures anti-folterverordening): "Goederen vallend onder de anti-folterverordening ... mogen niet zonder
    meer in-, uit- of doorgevoerd worden van en naar derde landen." Regulation (EU) 2019/125 controls trade with
    third countries; a transfer to another member state is not an export."""
    d = det(goods_kind="anti_torture", control_entry=annex, movement="transfer", destination="DE")
    assert not d.licence_required and not d.prohibited and d.handler is None
    assert ids(d) == ["anti_torture.within_eu"]
    assert det(goods_kind="anti_torture", control_entry=annex, movement="export", destination="NO").licence_required


# --- issue 19: the sensitive-destinations group is never shown to the exporter -------------------------------
def test_the_exporter_is_never_told_a_destination_is_held_sensitive(api_as, exporter_a, officer):
    """Seed (Procedures dual-use goederen): "Politiek gevoelige aanvragen worden altijd voorgelegd ter
    besluitvorming aan het Ministerie van Buitenlandse Zaken." Issue 19: the group is data an administrator fills,
    and the exporter is never told it exists."""
    from licensing.reference.models import CountryGroupMembership

    CountryGroupMembership.objects.create(group_id="sensitive", country_id="DE")
    body = {"goods_kind": "military", "movement": "export", "destination": "DE", "control_entry": "ML6"}
    seen_by_exporter = api_as(exporter_a).post(URL, body, format="json").json()
    seen_by_officer = api_as(officer).post(URL, body, format="json").json()
    assert seen_by_exporter["handler"] == seen_by_officer["handler"] == "ministry"
    assert "handler.sensitive" not in [r["id"] for r in seen_by_exporter["rules"]]
    assert "handler.sensitive" in [r["id"] for r in seen_by_officer["rules"]]
    assert "sensitive" not in str(seen_by_exporter).lower()


def test_the_exporter_does_not_see_the_sensitive_rule_on_its_application(api_as, exporter_a, officer, submit, client):
    """
    Seed 002 line 84: "Politiek gevoelige aanvragen worden altijd voorgelegd ter besluitvorming aan het Ministerie
    van Buitenlandse Zaken." Which destinations are sensitive is the administrator's data (the group "sensitive");
    the exporter is never told the group exists: its application, page and API omit the rule.
    """
    from licensing.reference.models import CountryGroupMembership

    CountryGroupMembership.objects.create(group_id="sensitive", country_id="NO")
    application = submit(exporter_a)
    assert "handler.sensitive" in [r["id"] for r in application.determination["rules"]]
    own = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/").json()
    assert "handler.sensitive" not in [r["id"] for r in own["determination"]["rules"]]
    client.force_login(exporter_a)
    page = client.get(f"/applications/{application.pk}/")
    assert page.status_code == 200 and "handler.sensitive" not in page.content.decode()


@pytest.mark.parametrize("typed", ["ß", "ＳＳ", "I\u200bR", "\u0406R"])  # sharp s, full-width, zero-width space, Cyrillic І
def test_country_codes_with_other_letters_are_refused_not_read_as_a_real_country(api_as, exporter_a, typed):
    """'ß'.upper() is 'SS' (South Sudan): a typed code is upper-cased only when it is plain ASCII."""
    client = api_as(exporter_a)
    for body in ({"destination": typed}, {"destination": "US", "parties": [{"role": "end_user", "country": typed}]}):
        response = client.post(URL, {"goods_kind": "military", "movement": "export", **body}, format="json")
        assert response.status_code == 400, body


def test_routing_and_screening_read_the_same_countries_of_a_case():
    """One place decides which countries a case touches (issue 23.3): recipients and intermediaries by role."""
    from licensing.applications.parties import case_countries

    touched = case_countries(
        destinations=["US"], parties=[("consignee", "US"), ("ultimate_end_user", "IR"), ("intermediate_consignee", "RU"), ("broker", None)]
    )
    assert touched.receiving == {"US", "IR"} and touched.intermediaries == {"RU"} and touched.all == {"US", "IR", "RU"}


def test_common_high_priority_items_to_russia_are_prohibited_also_through_a_third_country():
    """reference.yaml sanctions.common_high_priority_items: "A shared list (EU, US, UK, Japan) of HS-6 codes for
    items found in Russian weapons on the battlefield"; issue 19.1: "(and the high-priority and Annex VII/XXIII
    items beyond)"."""
    chips = dict(UNLISTED, hs_code="8542.31.90")
    assert [b.code for b in det(**chips, destination="RU").bans] == ["ru-common-high-priority-items"]
    via_kazakhstan = det(**chips, destination="KZ", parties=(("ultimate_end_user", "RU"),))
    assert via_kazakhstan.prohibited and via_kazakhstan.flagged_countries == ("RU",)
    assert not det(**chips, destination="KZ").prohibited
    assert not det(**dict(UNLISTED, hs_code="8471.50"), destination="RU").prohibited


def test_the_determination_page_takes_the_parties_countries(client, exporter_a):
    """Issue 23.3 on the page: the countries of the consignee, the end users and the intermediaries count."""
    client.force_login(exporter_a)
    base = {"goods_kind": "dual_use", "movement": "export", "destination": "US", "control_entry": "3A001", "end_use": "civil", "recipient_type": "company", "purpose": "sale"}
    html = client.get("/determination/", {**base, "intermediary_countries": "ru"}).content.decode()
    assert "result-prohibited" in html and "Council Regulation (EU) No 833/2014, Article 2" in html
    allowed = client.get("/determination/", {**base, "recipient_countries": "US, CA"}).content.decode()
    assert 'id="result"' in allowed and "result-prohibited" not in allowed
    refused = client.get("/determination/", {**base, "recipient_countries": "US, QQ"})
    assert refused.status_code == 200 and "QQ" in refused.content.decode() and 'id="result"' not in refused.content.decode()
