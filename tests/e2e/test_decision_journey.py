"""
Issue 18's browser journey: decisions per goods line, four eyes at the office, an objection decided well-founded.

Two goods lines to Saudi Arabia, referred to the ministry. The advisor writes the findings and gives the advice per
goods line on the case page's one form (approve, deny the spare parts on a negative finding); a second advisor
countersigns. The officer records one decision issuing the radar and denying the spare parts; a denial needs four
eyes, so a second officer countersigns it on the case page. The licence covers the radar only and the register lists
the spare parts. The exporter sees the outcome per line and lodges an objection with its grounds and a document; an
officer who took no part in the decision takes it and decides it well-founded with a new decision issuing both lines.
The old licence is then replaced, the new one covers both lines, the register marks the denial withdrawn and the
year's report counts the new licence only and no denial. Screenshots and axe-core as in test_journeys.
"""
from decimal import Decimal

import pytest
from django.utils import timezone

from licensing.applications.models import Application, Status
from licensing.denials.models import DenialRegisterEntry
from licensing.licences.models import Decision, Licence, Objection
from tests.e2e import cases
from tests.e2e.conftest import open_action, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RADAR = {"goods_kind": "military", "description": "Ground surveillance radar", "control_entry": "ML5", "quantity": 2, "value_eur": "1234567.89"}
SPARES = {"goods_kind": "military", "description": "Spare parts kit for the surveillance radar", "control_entry": "ML5", "quantity": 10, "value_eur": "85000.00"}
SAUDI_TWO_LINES = {**cases.SAUDI, "title": "Surveillance radar and spare parts for Saudi Arabia", "goods": [RADAR, SPARES]}
DIVERSION = 7  # criterion 7: the risk of diversion, weighed (not a ground that denies by itself)


def text(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def report(page, year: int, table: str) -> dict:
    """The year's report table, as the officials' report API gives it (in the official's own session)."""
    response = page.request.get(f"/api/v1/reports/annual/{year}/{table}/")
    assert response.ok, response.text()[:300]
    return response.json()


def saudi_value(military: dict) -> Decimal:
    return sum((Decimal(str(r["value_eur"])) for r in military["by_country"] if r["country"] == "SA"), Decimal(0))


def test_two_lines_one_issued_one_denied_countersigned_objected_to_and_replaced(
    reference_db, live_worker, new_page, journey, exporter_a, officer, officer2, advisor, advisor2
):
    from tests.factories import UserFactory

    j = journey("8-decision-per-line")
    year = timezone.localdate().year
    case = cases.referred(exporter_a, officer, SAUDI_TWO_LINES)
    pk = case.pk
    radar, spares = list(case.goods.order_by("pk"))

    # 1. The ministry: findings and advice per goods line on the one form; a line denied needs a second advisor.
    ministry = new_page(advisor, "en")
    ministry.goto(f"/office/cases/{pk}/")
    ministry.locator(f"form[action='/office/cases/{pk}/assessment/'] button").click()
    assert "Assessment started" in text(ministry, ".messages")
    for number in range(1, 9):
        ministry.select_option(f"#finding_{number}", "negative" if number == DIVERSION else "no_concern")
        ministry.fill(f"#reasoning_{number}", f"Criterion {number}: considered against this year's country report.")
    ministry.locator(f"input[name=sub_points_{DIVERSION}]").first.check()
    ministry.fill(f"#reasoning_{DIVERSION}", "The spare parts kit is not tied to the radar delivered and may be diverted to other systems.")
    ministry.select_option("#id_advice", "approve")
    ministry.select_option(f"#id_line_advice_{spares.pk}", "deny")
    ministry.fill("#id_weighing", "The radar goes to the land forces as stated; the loose spare parts carry a clear risk of diversion.")
    j.step(ministry, "findings and advice per goods line")
    ministry.locator("details#action-assessment button", has_text="Give advice").click()
    assert "Advice given" in text(ministry, ".messages"), text(ministry, "main")[:800]
    assert cases.status_of(pk) == Status.REFERRED  # a line denied waits for a second advisor

    second_advisor = new_page(advisor2, "en")
    second_advisor.goto(f"/office/cases/{pk}/")
    lines_advised = text(second_advisor, "table:has(caption:text('Advice per goods line'))")
    assert "Spare parts kit" in lines_advised and "Deny" in lines_advised and "Ground surveillance radar" not in lines_advised
    j.step(second_advisor, "the second advisor reads the advice per line")
    second_advisor.locator(f"form[action='/office/cases/{pk}/assessment/countersign/'] button[value='1']").click()
    assert "Countersignature recorded" in text(second_advisor, ".messages")
    assert cases.status_of(pk) == Status.ADVICE_GIVEN

    # 2. The office: one decision, the radar issued and the spare parts denied; the denial needs four eyes.
    office = new_page(officer, "en")
    office.goto(f"/office/cases/{pk}/")
    open_action(office, "decide")
    office.select_option("#id_outcome", "issued")
    office.select_option(f"#id_line_{spares.pk}", "denied")
    office.locator(f"input[name=line_{spares.pk}_criteria][value='{DIVERSION}']").check()
    office.fill("#id_reasons", "The radar is issued. The spare parts kit is denied: a clear risk of diversion (criterion 7).")
    office.fill("#id_conditions", "No re-export without the licensing office's consent.")
    j.step(office, "one decision, issued and denied per line")
    office.locator(f"form[action='/office/cases/{pk}/decision/'] button").click()
    j.step(office, "the officer is asked to confirm")
    office.locator(f"form[action='/office/cases/{pk}/decision/'] button.danger").click()
    assert "Decision proposed" in text(office, ".messages"), text(office, "main")[:800]
    assert cases.status_of(pk) == Status.ADVICE_GIVEN
    assert "another officer countersigns" in text(office, "section.countersign")
    assert office.locator(f"form[action='/office/cases/{pk}/decision/countersign/']").count() == 0  # never the author

    second_officer = new_page(officer2, "en")
    second_officer.goto(f"/office/cases/{pk}/")
    j.step(second_officer, "the second officer reads the proposed decision")
    second_officer.locator(f"form[action='/office/cases/{pk}/decision/countersign/'] button[name=agree][value='1']").click()
    assert "Decision countersigned" in text(second_officer, ".messages")
    assert cases.status_of(pk) == Status.ISSUED
    first_decision = Decision.objects.get(application_id=pk)
    old_licence = Licence.objects.get(decision=first_decision)
    assert [line.description for line in old_licence.lines.all()] == [RADAR["description"]]  # the licence covers line 1 only
    j.step(second_officer, "countersigned: the radar issued, the spare parts denied")

    second_officer.goto("/office/denials/?own=true")
    register = text(second_officer, "main table")
    assert case.reference in register and "Spare parts kit" in register and "withdrawn" not in register
    assert "Ground surveillance radar" not in register
    j.step(second_officer, "the register lists the denied line")
    before = {"military": saudi_value(report(second_officer, year, "military")), "denials": report(second_officer, year, "denials-all")["rows"]}
    assert before["military"] == Decimal(RADAR["value_eur"])
    assert [r["goods"] for r in before["denials"] if r["destination"] == "SA"] == [SPARES["description"]]

    # 3. The exporter: the outcome per line, and an objection with its grounds and a document.
    exporter = new_page(exporter_a, "en")
    exporter.goto(f"/applications/{pk}/")
    per_line = exporter.locator("table:has(caption:text('Decision per goods line')) tbody tr")
    assert per_line.count() == 2
    assert "Issued" in per_line.nth(0).inner_text() and "Ground surveillance radar" in per_line.nth(0).inner_text()
    assert "Denied" in per_line.nth(1).inner_text() and "Spare parts kit" in per_line.nth(1).inner_text()
    j.step(exporter, "the exporter sees the outcome per goods line")
    exporter.fill("#objection-grounds", "The spare parts kit is for the radar on this licence only; the end-user certificate attached names both.")
    exporter.set_input_files("#objection-files", files=[{"name": "end-use-statement.pdf", "mimeType": "application/pdf", "buffer": cases.pdf_bytes("End-use statement")}])
    exporter.locator(f"form[action='/applications/{pk}/objections/'] button").click()
    assert "Your objection is received" in text(exporter, ".messages"), text(exporter, "main")[:800]
    objection = Objection.objects.get(application_id=pk)
    assert objection.decision_id == first_decision.pk and not objection.late
    j.step(exporter, "objection lodged")

    # 4. An officer who took no part in the decision handles the objection and decides it well-founded.
    handler = new_page(UserFactory(username="officer3", role="officer", organisation=None), "en")
    handler.goto("/office/objections/")
    j.step(handler, "the objections by due date")
    handler.locator(f"main a[href='/office/objections/{objection.pk}/']").first.click()
    assert "end-user certificate attached" in text(handler, "main")
    handler.locator(f"form[action='/office/objections/{objection.pk}/take/'] button").click()
    assert "You handle this objection now" in text(handler, ".messages")
    handler.select_option("#id_outcome", "well_founded")
    handler.fill("#id_reasons", "The end-use statement ties the spare parts to the radar licensed; the risk of diversion is met.")
    handler.select_option("#id_new-outcome", "issued")
    handler.fill("#id_new-conditions", "No re-export without the licensing office's consent.")
    handler.fill("#id_new-reasons", "Both goods lines are issued on objection.")
    j.step(handler, "well-founded, with a new decision issuing both lines")
    handler.locator(f"form[action='/office/objections/{objection.pk}/decide/'] button.primary").click()
    assert "The objection is decided" in text(handler, ".messages"), text(handler, "main")[:800]
    j.step(handler, "the objection decided")

    objection.refresh_from_db()
    new_decision = objection.new_decision
    new_licence = Licence.objects.get(decision=new_decision)
    assert sorted(line.description for line in new_licence.lines.all()) == sorted([RADAR["description"], SPARES["description"]])
    assert Application.objects.get(pk=pk).status == Status.ISSUED

    exporter.goto(f"/licences/{old_licence.number}/")
    assert "Replaced" in text(exporter, "p.lead")
    j.step(exporter, "the old licence, replaced")
    exporter.goto(f"/licences/{new_licence.number}/")
    assert "Active" in text(exporter, "p.lead") and "Spare parts kit" in text(exporter, "main")
    j.step(exporter, "the new licence covers both lines")

    handler.goto("/office/denials/?own=true")
    row = handler.locator("main table tbody tr", has_text=case.reference)
    assert row.count() == 1 and "withdrawn" in row.inner_text()
    assert DenialRegisterEntry.objects.get(decision=first_decision).revoked_on == timezone.localdate()
    j.step(handler, "the register marks the denial withdrawn")

    after_military = saudi_value(report(handler, year, "military"))
    assert after_military == Decimal(RADAR["value_eur"]) + Decimal(SPARES["value_eur"])  # the new licence, not the old one too
    assert not [r for r in report(handler, year, "denials-all")["rows"] if r["destination"] == "SA"]
    handler.goto(f"/reports/{year}/")
    j.step(handler, "the year's report")
    screenshot(handler, j.name, "report-1280")
