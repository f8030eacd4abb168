"""
Decisions per goods line (issue 18.2): the ministry may advise per line, and the office issues some lines and denies
others in one decision. The licence covers the issued lines only; each denied line is its own entry in our denial
register with its own grounds, and counts in the report as a denial.

Counting, from seed 002: "In 2024 zijn in totaal 9 aanvragen voor uitvoer-, doorvoervergunningen en proefaanvragen
(sondages ...) voor militaire goederen afgewezen. Het volledige overzicht van de afgewezen aanvragen staat in bijlage 6"
(line 446), and annex 6 (table 18, lines 3495-3583) lists exactly 9 rows, one per kind of goods with its quantity
("Korte omschrijving", "Aantal stuks"): ballistic helmets and bulletproof plates for the same recipient on the same
day are two rows, two denials. So a denied goods line is one denial, one row; the lines issued with it are one
licence counted with their value ("De vergunningwaarde geeft de maximum exportwaarde aan", line 797).
"""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone, translation

from licensing.applications.models import Application, Status
from licensing.audit.models import Event
from licensing.core.errors import DomainError
from licensing.denials.models import DenialRegisterEntry
from licensing.licences import decisions
from licensing.licences.decisions import DecideCommand, LineDecision
from licensing.licences.models import Decision, DecisionLine, DecisionProposal, Licence
from licensing.applications.selectors import application_frameworks
from licensing.reference.frameworks import grounds_of
from licensing.reporting import tables
from tests.factories import PASSWORD, SAUDI, decision_countersigned, logged_in, second_officer

pytestmark = pytest.mark.django_db

DUAL_USE_GOODS = [
    {"goods_kind": "dual_use", "description": "Frequency changers", "control_entry": "3A225", "quantity": "2", "value_eur": "80000.00"},
    {"goods_kind": "dual_use", "description": "Machine tools", "control_entry": "2B001", "quantity": "1", "value_eur": "30000.00"},
]


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)



def split(application, *, criteria=(7,)) -> DecideCommand:
    """Issue the first goods line (radar transmitters), deny the second (vehicle wheels) on `criteria`."""
    first, second = application.goods.order_by("position", "id")
    return DecideCommand(
        outcome="issued", reasons="The wheels may be diverted.",
        lines=(LineDecision(line=first.pk, outcome="issued"), LineDecision(line=second.pk, outcome="denied", criteria=tuple(criteria))),
    )


def decided(officer, application, command):
    """decide(), then (a denied line calls for four eyes at the office) a second officer's countersignature."""
    made = decisions.decide(actor=officer, application=application, command=command)
    if isinstance(made, DecisionProposal):
        decision_countersigned(second_officer(officer), application)
        return Licence.objects.filter(decision__application=application).first() or Decision.objects.get(application=application)
    return made


def test_one_decision_issues_one_line_and_denies_the_other_with_its_own_grounds(submit, exporter_a, officer):
    application = submit(exporter_a)  # military to Norway, two lines: the office decides alone
    licence = decided(officer, application, split(application))

    decision = Decision.objects.get(application=application)
    assert decision.outcome == "issued" and decision.criteria == [7]
    assert Application.objects.get(pk=application.pk).status == Status.ISSUED
    # The licence covers what was approved, nothing else.
    assert [(line.control_entry, line.value_eur) for line in licence.lines.all()] == [("ML5", Decimal("120000.00"))]
    assert licence.value_eur == Decimal("120000.00")
    assert [(line.number, line.outcome, line.criteria) for line in decision.lines.all()] == [(1, "issued", []), (2, "denied", [7])]
    # The denied line is its own register entry, with its own goods and grounds.
    (entry,) = DenialRegisterEntry.objects.filter(own=True)
    assert (entry.reference, entry.goods_description, entry.control_entry, entry.quantity, entry.criteria, entry.frameworks) == (
        f"{application.reference}-L2", "Armoured vehicle wheels", "ML6", "16 pieces", [7], ["common_position"],
    )
    assert entry.decision == decision and entry.destination_id == "NO"
    # One decision event: the one move, carrying the lines denied.
    moves = Event.objects.filter(target_id=str(application.pk), verb="application.issue")
    assert moves.count() == 1 and moves.get().payload["denied_lines"] == [2]


def test_without_lines_every_line_has_the_decisions_outcome_as_before(submit, exporter_a, officer):
    application = submit(exporter_a)
    licence = decided(officer, application, DecideCommand(outcome="issued"))
    assert licence.lines.count() == 2 and licence.value_eur == Decimal("168000.00")
    assert list(DecisionLine.objects.values_list("outcome", flat=True)) == ["issued", "issued"]
    assert not DenialRegisterEntry.objects.exists()


@pytest.mark.parametrize(
    "lines, message",
    [
        (lambda a, b, other: [LineDecision(a, "issued"), LineDecision(a, "denied", (7,))], "Goods line 1 is decided twice."),
        (lambda a, b, other: [LineDecision(a, "issued")], "not yet decided: 2"),
        (lambda a, b, other: [LineDecision(a, "issued"), LineDecision(b, "denied")], "Goods line 2: Cite the criteria"),
        (lambda a, b, other: [LineDecision(a, "issued"), LineDecision(b, "denied", (15,))], "Goods line 2: Cite the criteria"),
        (lambda a, b, other: [LineDecision(a, "issued"), LineDecision(other, "denied", (7,))], "is not a goods line of this application"),
        (lambda a, b, other: [LineDecision(a, "denied", (7,)), LineDecision(b, "denied", (7,))], "record a denial, not a licence"),
        (lambda a, b, other: [LineDecision(a, "issued", (7,)), LineDecision(b, "denied", (7,))], "it cites no criteria"),
        (lambda a, b, other: [LineDecision(a, "answered"), LineDecision(b, "denied", (7,))], "choose issued or denied"),
    ],
    ids=["twice", "missing", "no-grounds", "grounds-of-another-framework", "another-application", "all-denied", "issued-with-criteria", "no-licence-outcome"],
)
def test_every_line_is_decided_once_and_a_denied_line_needs_grounds_or_nothing_is_saved(submit, exporter_a, exporter_b, officer, lines, message):
    application = submit(exporter_a)
    other = submit(exporter_b).goods.first().pk  # a line of another exporter's application
    a, b = application.goods.order_by("position", "id").values_list("pk", flat=True)
    with pytest.raises(DomainError) as refused, translation.override("en"):
        decisions.decide(actor=officer, application=application, command=DecideCommand(outcome="issued", reasons="Mixed.", lines=tuple(lines(a, b, other))))
    assert any(message in m for m in refused.value.fields["lines"]), refused.value.fields
    assert not Decision.objects.exists() and not DenialRegisterEntry.objects.exists() and not Licence.objects.exists()
    assert Application.objects.get(pk=application.pk).status != Status.ISSUED


def test_a_denial_denies_every_line_and_cites_the_grounds_of_each(submit, exporter_a, officer):
    application = submit(exporter_a)
    a, b = application.goods.order_by("position", "id").values_list("pk", flat=True)
    with pytest.raises(DomainError, match="per goods line"), translation.override("en"):
        decisions.decide(actor=officer, application=application, command=DecideCommand(outcome="denied", reasons="No.", lines=(LineDecision(a, "issued"), LineDecision(b, "denied", (7,)))))
    command = DecideCommand(outcome="denied", reasons="Risk of diversion and repression.", lines=(LineDecision(a, "denied", (2,)), LineDecision(b, "denied", (7,))))
    decision = decided(officer, application, command)
    assert decision.outcome == "denied" and decision.criteria == [2, 7]
    assert [line.criteria for line in decision.lines.all()] == [[2], [7]]
    # The application denied whole is one denial: one entry (one destination), as before.
    assert DenialRegisterEntry.objects.filter(own=True).count() == 1


def test_a_partial_decision_is_refused_for_a_sondage(submit, exporter_a, officer):
    application = submit(exporter_a, kind="sondage")
    a, b = application.goods.order_by("position", "id").values_list("pk", flat=True)
    command = DecideCommand(outcome="answered", answer="Unlikely.", lines=(LineDecision(a, "issued"), LineDecision(b, "denied", (7,))))
    with pytest.raises(DomainError, match="line by line"), translation.override("en"):
        decisions.decide(actor=officer, application=application, command=command)
    assert not Decision.objects.exists()


def test_a_wrapper_around_decide_sees_the_whole_decision_in_the_command(submit, exporter_a, officer):
    """What a countersigning step around decide() (issue 18.3) relies on: the command alone says what is decided,
    and decide() records it later without asking anything else."""
    application = submit(exporter_a)
    command = split(application)
    held = DecideCommand.of({"outcome": command.outcome, "reasons": command.reasons, "lines": [
        {"line": line.line, "outcome": line.outcome, "criteria": list(line.criteria)} for line in command.lines
    ]})
    assert held == command
    decided(officer, application, held)
    assert DenialRegisterEntry.objects.filter(reference=f"{application.reference}-L2").exists()


# --- The ministry's advice per line --------------------------------------------------------------------------------
def advise(api_as, application, advisor, advisor2, body):
    client = api_as(advisor)
    assert client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/").status_code == 201
    for number in range(1, 9):
        finding = {"finding": "negative", "reasoning": "The wheels fit vehicles used against protesters."} if number == 7 else {"finding": "no_concern", "reasoning": "No concern."}
        assert client.put(f"/api/v1/ministry/applications/{application.pk}/assessment/findings/{number}/", finding, format="json").status_code == 200
    return client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", body, format="json")


@pytest.fixture
def referred(api_as, exporter_a, officer, submit):
    application = submit(exporter_a, **SAUDI)
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Please advise."}, format="json").status_code == 200
    return application


def test_advice_per_line_then_the_office_decides_each_line_as_advised(api_as, referred, advisor, advisor2, officer, countersigned):
    a, b = referred.goods.order_by("position", "id").values_list("pk", flat=True)
    weighing = "Criterion 7 weighs against the wheels only."
    other = advise(api_as, referred, advisor, advisor2, {"advice": "approve", "weighing": weighing, "line_advice": [{"line": 999999, "advice": "deny"}]})
    assert other.status_code == 400 and "line_advice" in other.json()["fields"]
    given = api_as(advisor).post(
        f"/api/v1/ministry/applications/{referred.pk}/assessment/advice/",
        {"advice": "approve", "weighing": weighing, "line_advice": [{"line": b, "advice": "deny"}]}, format="json",
    ).json()
    assert given["status"] == "awaiting_countersignature" and given["line_advice"] == {str(b): "deny"}
    assert api_as(advisor2).post(f"/api/v1/ministry/applications/{referred.pk}/assessment/countersign/", {"agree": True}, format="json").status_code == 200

    office = api_as(officer)
    blockers = office.get(f"/api/v1/office/applications/{referred.pk}/blockers/").json()
    assert any("deny goods line 2" in b for b in blockers["approve"]) and any("approve goods line 1" in b for b in blockers["deny"])
    refused = office.post(f"/api/v1/office/applications/{referred.pk}/decision/", {"outcome": "issued"}, format="json")
    assert refused.status_code == 400 and "goods line 2" in str(refused.json())
    against = office.post(
        f"/api/v1/office/applications/{referred.pk}/decision/",
        {"outcome": "issued", "reasons": "x", "lines": [{"line": a, "outcome": "denied", "criteria": [7]}, {"line": b, "outcome": "issued"}]}, format="json",
    )
    assert against.status_code == 400 and not Decision.objects.exists()
    decided = office.post(
        f"/api/v1/office/applications/{referred.pk}/decision/",
        {"outcome": "issued", "reasons": "The wheels may be diverted.", "lines": [{"line": a, "outcome": "issued"}, {"line": b, "outcome": "denied", "criteria": [7]}]},
        format="json",
    )
    body = countersigned(decided)  # a denied line: four eyes at the office
    assert body["licence_number"] == f"{referred.reference}-V"
    assert [(line["number"], line["outcome"], line["criteria"]) for line in body["lines"]] == [(1, "issued", []), (2, "denied", [7])]
    assert "2008/944" in body["lines"][1]["legal_basis"]
    assert DenialRegisterEntry.objects.get(own=True).destination_id == "SA"


def test_a_well_founded_objection_issues_the_line_the_ministry_advised_to_deny(api_as, referred, advisor, advisor2, officer, officer2, exporter_a, countersigned):
    """The new decision on objection reconsiders the decision objected to in full, the ministry's advice it followed
    included (Awb 7:11): it was refused as "against the ministry's advice", so no objection to a line (or a whole
    application) denied on the ministry's advice could ever be well-founded (found by the browser journey of issue 18)."""
    from licensing.licences import objections

    a, b = referred.goods.order_by("position", "id").values_list("pk", flat=True)
    weighing = "Criterion 7 weighs against the wheels only."
    assert advise(api_as, referred, advisor, advisor2, {"advice": "approve", "weighing": weighing, "line_advice": [{"line": b, "advice": "deny"}]}).status_code == 200
    assert api_as(advisor2).post(f"/api/v1/ministry/applications/{referred.pk}/assessment/countersign/", {"agree": True}, format="json").status_code == 200
    body = {"outcome": "issued", "reasons": "The wheels may be diverted.", "lines": [{"line": a, "outcome": "issued"}, {"line": b, "outcome": "denied", "criteria": [7]}]}
    countersigned(api_as(officer).post(f"/api/v1/office/applications/{referred.pk}/decision/", body, format="json"))
    old = Decision.objects.get(application=referred)
    # Outside an objection the office still follows the ministry's advice per line.
    assert any("deny goods line 2" in blocker for blocker in decisions.decision_blockers(referred, approving=True))

    objection = objections.objection_lodge(actor=exporter_a, application=referred, grounds="The wheels are for the vehicles licensed.")
    objections.objection_take(actor=officer2, objection=objection)
    objections.objection_decide(
        actor=officer2, objection=objection, outcome="well_founded", reasons="The wheels belong to the vehicles licensed.",
        command=DecideCommand(outcome="issued", reasons="Both lines issued on objection."),
    )
    objection.refresh_from_db()
    new = objection.new_decision
    assert new is not None and [line.outcome for line in new.lines.all()] == ["issued", "issued"]
    descriptions = sorted(referred.goods.values_list("description", flat=True))
    assert sorted(Licence.objects.get(decision=new).lines.values_list("description", flat=True)) == descriptions
    assert DenialRegisterEntry.objects.get(decision=old).revoked_on == timezone.localdate()


def test_an_advice_to_deny_every_line_is_an_advice_to_deny(api_as, referred, advisor, advisor2):
    a, b = referred.goods.order_by("position", "id").values_list("pk", flat=True)
    body = {"advice": "approve", "weighing": "w", "line_advice": [{"line": a, "advice": "deny"}, {"line": b, "advice": "deny"}]}
    response = advise(api_as, referred, advisor, advisor2, body)
    assert response.status_code == 400 and "Advise to deny the application" in str(response.json()["fields"]["line_advice"])


def test_a_sondage_is_not_advised_on_line_by_line(api_as, submit, exporter_a, officer, advisor, advisor2):
    sondage = submit(exporter_a, kind="sondage", **SAUDI)
    assert api_as(officer).post(f"/api/v1/office/applications/{sondage.pk}/refer/", {"note": "Please advise."}, format="json").status_code == 200
    b = sondage.goods.order_by("position", "id").last().pk
    response = advise(api_as, sondage, advisor, advisor2, {"advice": "approve", "weighing": "w", "line_advice": [{"line": b, "advice": "deny"}]})
    assert response.status_code == 400 and "line_advice" in response.json()["fields"]


# --- The API, the pages and the letter -----------------------------------------------------------------------------
def test_the_api_refuses_a_line_decided_twice_and_the_exporter_sees_each_lines_outcome(api_as, submit, exporter_a, officer, countersigned):
    application = submit(exporter_a)
    a, b = application.goods.order_by("position", "id").values_list("pk", flat=True)
    url = f"/api/v1/office/applications/{application.pk}/decision/"
    twice = api_as(officer).post(url, {"outcome": "issued", "reasons": "x", "lines": [{"line": a, "outcome": "issued"}, {"line": a, "outcome": "issued"}]}, format="json")
    assert twice.status_code == 400 and "decided twice" in str(twice.json()["fields"]["lines"])
    bad = api_as(officer).post(url, {"outcome": "issued", "lines": [{"line": a, "outcome": "answered"}]}, format="json")
    assert bad.status_code == 400 and not Decision.objects.exists()
    body = {"outcome": "issued", "reasons": "The wheels may be diverted.", "lines": [{"line": a, "outcome": "issued"}, {"line": b, "outcome": "denied", "criteria": [7]}]}
    countersigned(api_as(officer).post(url, body, format="json"))  # a denied line: four eyes at the office
    seen = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/").json()["decision"]
    assert [(line["description"], line["outcome"]) for line in seen["lines"]] == [("Radar transmitter module", "issued"), ("Armoured vehicle wheels", "denied")]


def test_the_office_page_decides_per_line_and_the_exporter_page_and_the_licence_list_each_lines_outcome(submit, exporter_a, officer, api_as):
    application = submit(exporter_a)
    a, b = application.goods.order_by("position", "id").values_list("pk", flat=True)
    office = logged_in(officer)
    form = office.get(f"/office/cases/{application.pk}/").content.decode()
    assert f'name="line_{b}"' in form and f'name="line_{b}_criteria"' in form
    post = {"outcome": "issued", "reasons": "The wheels may be diverted.", f"line_{b}": "denied", f"line_{b}_criteria": ["7"]}
    confirm = office.post(f"/office/cases/{application.pk}/decision/", post)
    assert confirm.status_code == 200 and not Decision.objects.exists()  # asked once more first
    assert office.post(f"/office/cases/{application.pk}/decision/", {**post, "confirmed": "yes"}).status_code == 302
    decision_countersigned(second_officer(officer), application)  # a denied line: four eyes at the office
    decision = Decision.objects.get(application=application)
    assert [(line.outcome, line.criteria) for line in decision.lines.all()] == [("issued", []), ("denied", [7])]
    assert [line.control_entry for line in decision.licence.lines.all()] == ["ML5"]

    page = logged_in(exporter_a).get(f"/applications/{application.pk}/").content.decode()
    table = page.split("Decision per goods line", 1)[1].split("</table>", 1)[0]
    assert "Radar transmitter module" in table and "Issued" in table
    assert "Armoured vehicle wheels" in table and "Denied" in table and "2008/944" in table

    # The licence (in the holder's Dutch) lists the denied line with the basis of its denial.
    text = pdf_text(api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/").content)
    licence_part, denied_part = text.split("Afgewezen goederenregels", 1) if "Afgewezen goederenregels" in text else text.split("Goods lines denied", 1)
    assert "Radar transmitter module" in licence_part and "Armoured vehicle wheels" not in licence_part
    assert "Armoured vehicle wheels" in denied_part and "2008/944" in denied_part and "The wheels may be diverted." in denied_part


# --- The report ----------------------------------------------------------------------------------------------------
def test_the_report_counts_the_issued_lines_as_one_licence_and_each_denied_line_as_a_denial(submit, exporter_a, officer):
    """Seed 002 line 446 ("9 aanvragen ... afgewezen") against annex 6's 9 rows, one per kind of goods: a denied line
    is one denial and one row; the lines issued with it are one licence, counted with their value only (line 797,
    "De vergunningwaarde geeft de maximum exportwaarde aan"). Figure 5 counts it among the applications applied for
    (footnote 27: "percentage van het totaal aantal aangevraagde vergunningen")."""
    year = timezone.localdate().year
    period = tables.Period(year)
    military = submit(exporter_a)
    decided(officer, military, split(military))
    parties = [
        {"role": "consignee", "name": "Oslo Power Labs AS", "address": "Oslo", "country": "NO", "party_type": "company"},
        {"role": "end_user", "name": "University of Tromso", "address": "Tromso", "country": "NO", "party_type": "company"},
    ]
    dual_use = submit(exporter_a, goods=DUAL_USE_GOODS, parties=parties, end_use="civil", end_use_description="Power supplies for a university lab.")
    first, second = dual_use.goods.order_by("position", "id")
    # Article 15 of the Dual-Use Regulation: the risk of diversion (its grounds are numbered after the criteria).
    diversion = next(g.number for g in grounds_of(application_frameworks(dual_use)) if "diversion" in g.title_en.lower())
    decided(officer, dual_use, DecideCommand(
        outcome="issued", reasons="The machine tool may be diverted.",
        lines=(LineDecision(first.pk, "issued"), LineDecision(second.pk, "denied", (diversion,))),
    ))

    assert tables.military_table(period).total_eur == Decimal("120000.00")
    (share,) = tables.denial_share_by_year(year, year)
    assert (share.applied, share.denied) == (2, 1)  # one licence, one denied line
    annex_6 = tables.denial_table(period, goods_kind="military")
    assert [(row.goods, row.quantity, row.criteria) for row in annex_6.rows] == [("Armoured vehicle wheels", "16 pieces", [7])]
    assert len(tables.denial_table(period).rows) == 2  # both denied lines, each its own row
    table_3 = {row.kind: row for row in tables.dual_use_table(period).rows}["individual"]
    assert (table_3.issued_count, table_3.issued_value_eur) == (1, Decimal("80000.00"))
    assert (table_3.denied_count, table_3.denied_value_eur) == (1, Decimal("30000.00"))


def test_the_mail_says_which_lines_the_licence_leaves_out(submit, exporter_a, officer, settings):
    from django.core import mail

    from licensing.licences.notifications import decision_notify

    settings.CELERY_TASK_ALWAYS_EAGER = False
    exporter_a.email, exporter_a.language = "export@company-a.example", "en"
    exporter_a.save(update_fields=["email", "language"])
    application = submit(exporter_a)
    decided(officer, application, split(application))
    assert decision_notify(decision_id=Decision.objects.get(application=application).pk) == 1
    assert "One goods line is denied: the licence covers the other lines only" in mail.outbox[0].body


def test_the_advisor_gives_advice_per_line_on_the_page_and_the_office_reads_it(api_as, referred, advisor, advisor2, officer):
    a, b = referred.goods.order_by("position", "id").values_list("pk", flat=True)
    client = api_as(advisor)
    assert client.post(f"/api/v1/ministry/applications/{referred.pk}/assessment/").status_code == 201
    for number in range(1, 9):
        finding = {"finding": "negative", "reasoning": "Diversion risk."} if number == 7 else {"finding": "no_concern", "reasoning": "No concern."}
        client.put(f"/api/v1/ministry/applications/{referred.pk}/assessment/findings/{number}/", finding, format="json")
    page = logged_in(advisor)
    assert f'name="line_advice_{b}"' in page.get(f"/office/cases/{referred.pk}/").content.decode()
    page.post(f"/office/cases/{referred.pk}/assessment/advice/", {"advice": "approve", "weighing": "Criterion 7 weighs against the wheels.", f"line_advice_{b}": "deny"})
    from licensing.assessment.models import Assessment

    assessment = Assessment.objects.get(application=referred)
    assert assessment.line_advice == {str(b): "deny"} and assessment.status == "awaiting_countersignature"
    shown = logged_in(officer).get(f"/office/cases/{referred.pk}/").content.decode()
    advice = shown.split("Advice per goods line", 1)[1].split("</table>", 1)[0]
    assert "Armoured vehicle wheels" in advice and "Deny" in advice


def test_the_exporters_page_writes_each_lines_quantity_in_the_pages_language(submit, exporter_a, officer):
    """'2.000 pieces' on the English page reads as two thousand: the quantity is written as the page's language
    writes numbers (the journey of issue 18 found it)."""
    application = submit(exporter_a)
    a, b = application.goods.order_by("position", "id").values_list("pk", flat=True)
    decided(officer, application, DecideCommand(outcome="issued", reasons="The wheels may be diverted.", lines=(LineDecision(a, "issued"), LineDecision(b, "denied", (7,)))))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=exporter_a.username, password=PASSWORD)
    table = client.get(f"/applications/{application.pk}/").content.decode().split("Decision per goods line", 1)[1].split("</table>", 1)[0]
    assert "4 pieces" in table and "4.000" not in table


def test_a_denied_line_of_a_decision_replaced_on_objection_is_no_longer_counted(submit, exporter_a, officer):
    """A decision replaced on objection counts nowhere, its replacement in its own period (reporting.tables, in_force):
    its denied lines neither (they were still counted as denials in table 3 and the denial share)."""
    application = submit(exporter_a)
    decision = decided(officer, application, split(application)).decision
    today = timezone.localdate()
    period = (date(today.year, 1, 1), date(today.year + 1, 1, 1))
    assert tables.denied_lines(*period, ["military"]).count() == 1
    replacement = Decision.objects.create(
        reference=f"{decision.reference}-B1", outcome="issued", decided_on=today, goods_kind="military", licence_kind="individual", movement="export"
    )
    Decision.objects.filter(pk=decision.pk).update(replaced_by=replacement)
    assert tables.denied_lines(*period, ["military"]).count() == 0
