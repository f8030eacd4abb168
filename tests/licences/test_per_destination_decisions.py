"""
Decisions per destination (issue 18.2, "per destination where a case has several"): the office issues the licence for
some destinations of a case and denies others in one decision. The licence leaves the denied destinations out; each
is its own entry in our denial register (`{reference}-{country}`) with its own grounds, and counts in the report as a
denial (value unknown: the application gives values per goods line, not per destination).
"""
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone, translation

from licensing.applications.models import Application, Status
from licensing.audit.models import Event
from licensing.core.errors import Conflict, DomainError
from licensing.denials.models import DenialRegisterEntry
from licensing.licences import decisions
from licensing.licences.decisions import DecideCommand, DestinationDecision
from licensing.licences.models import Decision, DecisionDestination, DecisionProposal, Licence
from licensing.applications.selectors import application_frameworks
from licensing.reference.frameworks import grounds_of
from licensing.reporting import tables
from tests.factories import PASSWORD, decision_countersigned, second_officer

pytestmark = pytest.mark.django_db

TWO_DESTINATIONS = {"kind": "global", "destinations": ["NO", "US"]}  # the end user (Norway's navy) is in one of them


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def deny_us(criteria=(7,)) -> DecideCommand:
    return DecideCommand(
        outcome="issued", reasons="the United States is refused for this consignment.",
        denied_destinations=(DestinationDecision(country="US", criteria=tuple(criteria), reasons="Risk of diversion via the United States."),),
    )


def decided(officer, application, command):
    """decide(); a denied destination is a denial: four eyes at the office, so a second officer countersigns."""
    made = decisions.decide(actor=officer, application=application, command=command)
    assert isinstance(made, DecisionProposal)
    assert not Decision.objects.filter(application=application).exists()  # nothing in effect before the countersignature
    decision_countersigned(second_officer(officer), application)
    return Licence.objects.get(decision__application=application)


def test_the_licence_leaves_the_denied_destination_out_and_registers_it_with_its_grounds(submit, exporter_a, officer):
    application = submit(exporter_a, **TWO_DESTINATIONS)
    licence = decided(officer, application, deny_us())

    assert Application.objects.get(pk=application.pk).status == Status.ISSUED
    assert [c.code for c in licence.destinations.all()] == ["NO"]
    assert licence.value_eur == Decimal("168000.00")  # every goods line is issued (to Norway)
    decision = licence.decision
    assert decision.criteria == [7]
    (denied,) = DecisionDestination.objects.filter(decision=decision)
    assert (denied.country_id, denied.outcome, denied.criteria, denied.reasons) == ("US", "denied", [7], "Risk of diversion via the United States.")
    assert denied.frameworks == decision.frameworks[:1] and denied.frameworks  # criterion 7's framework, the case's first
    (entry,) = DenialRegisterEntry.objects.filter(decision=decision)
    assert (entry.reference, entry.destination_id, entry.criteria, entry.own) == (f"{decision.reference}-US", "US", [7], True)
    assert "Radar transmitter module" in entry.goods_description and "Armoured vehicle wheels" in entry.goods_description
    issue = Event.objects.get(verb="application.issue", target_id=str(application.pk))
    assert issue.payload["denied_destinations"] == ["US"] and issue.payload["criteria"] == [7]
    registered = Event.objects.get(verb="denial.registered", target_id=str(application.pk))
    assert registered.payload["destinations"] == ["US"]


@pytest.mark.parametrize(
    "denied, message",
    [
        ((DestinationDecision("SE", (7,)),), "SE is not a destination of this application."),
        ((DestinationDecision("US", (7,)), DestinationDecision("NO", (7,))), "Every destination is denied: record a denial, not a licence."),
        ((DestinationDecision("US", ()),), "Destination US: Cite the criteria"),
        ((DestinationDecision("US", (99,)),), "Destination US: Cite the criteria"),
        ((DestinationDecision("US", (7,)), DestinationDecision("US", (7,))), "Destination US is denied twice."),
    ],
)
def test_a_destination_decision_that_is_not_complete_is_refused_and_nothing_is_saved(submit, exporter_a, officer, denied, message):
    application = submit(exporter_a, **TWO_DESTINATIONS)
    command = DecideCommand(outcome="issued", reasons="r", denied_destinations=denied)
    with pytest.raises(DomainError) as refused, translation.override("en"):
        decisions.decide(actor=officer, application=application, command=command)
    assert any(m.startswith(message) for m in refused.value.fields["denied_destinations"]), refused.value.fields
    assert not Decision.objects.filter(application=application).exists()
    assert not DecisionProposal.objects.filter(application=application).exists()
    assert not DenialRegisterEntry.objects.filter(reference__startswith=application.reference).exists()


def test_a_case_with_one_destination_or_a_denial_cannot_deny_a_destination(submit, exporter_a, officer):
    single = submit(exporter_a)  # Norway only
    with pytest.raises(DomainError) as refused:
        decisions.decide(actor=officer, application=single, command=deny_us())
    assert "denied_destinations" in refused.value.fields
    several = submit(exporter_a, **TWO_DESTINATIONS)
    command = DecideCommand(outcome="denied", reasons="r", criteria=(7,), denied_destinations=(DestinationDecision("US", (7,)),))
    with pytest.raises(DomainError) as refused:
        decisions.decide(actor=officer, application=several, command=command)
    assert "denied_destinations" in refused.value.fields
    assert not Decision.objects.filter(application__in=[single, several]).exists()


def test_a_denied_destination_needs_four_eyes_and_the_proposal_keeps_it(submit, exporter_a, officer):
    application = submit(exporter_a, **TWO_DESTINATIONS)
    assert decisions.countersignature_grounds(application, DecideCommand(outcome="issued")) == []
    assert {"ground": "denial"} in decisions.countersignature_grounds(application, deny_us())
    proposal = decisions.decide(actor=officer, application=application, command=deny_us())
    assert DecideCommand.of_record(proposal.command) == deny_us()
    # The decision services refuse it without the second officer.
    with pytest.raises(Conflict) as refused:
        decisions.decision_issue(actor=officer, application=application, reasons="r", denied_destinations=deny_us().denied_destinations)
    assert refused.value.code == "awaiting_countersignature"
    decision_countersigned(second_officer(officer), application)
    licence = Licence.objects.get(decision__application=application)
    assert [c.code for c in licence.destinations.all()] == ["NO"]
    assert licence.decision.decided_by == officer


def test_the_api_takes_denied_destinations_and_the_exporter_sees_them(api_as, submit, exporter_a, officer, countersigned):
    application = submit(exporter_a, **TWO_DESTINATIONS)
    url = f"/api/v1/office/applications/{application.pk}/decision/"
    unknown = api_as(officer).post(url, {"outcome": "issued", "reasons": "r", "denied_destinations": [{"country": "SE", "criteria": [7]}]}, format="json")
    assert unknown.status_code == 400, unknown.json()
    body = {"outcome": "issued", "reasons": "the United States is refused.", "denied_destinations": [{"country": "us", "criteria": [7], "reasons": "Diversion."}]}
    decision = countersigned(api_as(officer).post(url, body, format="json"))
    assert [(d["country"], d["outcome"], d["criteria"], d["reasons"]) for d in decision["denied_destinations"]] == [("US", "denied", [7], "Diversion.")]
    assert "2008/944" in decision["denied_destinations"][0]["legal_basis"]
    seen = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/").json()["decision"]
    assert [d["country"] for d in seen["denied_destinations"]] == ["US"]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=exporter_a.username, password=PASSWORD)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    table = page.split("Destinations denied", 1)[1].split("</table>", 1)[0]
    assert "US" in table and "Diversion." in table


def test_the_licence_lists_the_denied_destination_with_its_legal_basis(api_as, submit, exporter_a, officer):
    application = submit(exporter_a, **TWO_DESTINATIONS)
    decided(officer, application, deny_us())
    text = pdf_text(api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/").content)
    # The licence is in the holder's Dutch; it covers Norway only and lists the United States as denied.
    licence_part, after = text.split("Geweigerde bestemmingen", 1)
    assert "(NO)" in licence_part and "(US)" not in licence_part
    assert "US" in after and "2008/944" in after and "Risk of diversion via the United States." in after


def test_the_report_counts_each_denied_destination_as_one_denial_of_unknown_value(submit, exporter_a, officer):
    year = timezone.localdate().year
    period = tables.Period(year)
    military = submit(exporter_a, **TWO_DESTINATIONS)
    decided(officer, military, deny_us())
    (share,) = tables.denial_share_by_year(year, year)
    assert (share.applied, share.denied) == (2, 1)  # one licence, one denied destination
    annex_6 = tables.denial_table(period, goods_kind="military")
    assert [(row.reference, row.destination, row.criteria) for row in annex_6.rows] == [(f"{military.reference}-US", "US", [7])]

    dual_use_goods = [{"goods_kind": "dual_use", "description": "Frequency changers", "control_entry": "3A225", "quantity": "2", "value_eur": "80000.00"}]
    parties = [
        {"role": "consignee", "name": "Oslo Power Labs AS", "address": "Oslo", "country": "NO", "party_type": "company"},
        {"role": "end_user", "name": "University of Tromso", "address": "Tromso", "country": "NO", "party_type": "company"},
    ]
    dual_use = submit(exporter_a, goods=dual_use_goods, parties=parties, end_use="civil", end_use_description="Power supplies for a lab.", **TWO_DESTINATIONS)
    diversion = next(g.number for g in grounds_of(application_frameworks(dual_use)) if "diversion" in g.title_en.lower())
    decided(officer, dual_use, deny_us(criteria=(diversion,)))
    table_3 = {row.kind: row for row in tables.dual_use_table(period).rows}["global"]
    assert (table_3.issued_count, table_3.issued_value_eur) == (1, Decimal("80000.00"))
    assert (table_3.denied_count, table_3.denied_value_eur) == (1, None)  # its value is not known
    assert any("without a known value" in m for m in tables.dual_use_table(period).missing)


def test_the_decision_form_offers_each_destination_only_where_the_case_has_several(submit, exporter_a):
    from licensing.web.decisions import DecisionForm

    several = submit(exporter_a, **TWO_DESTINATIONS)
    frameworks = application_frameworks(several)
    data = {"outcome": "issued", "reasons": "r", "deny_destination_US": "on", "deny_destination_US_criteria": ["7"]}
    form = DecisionForm(data, frameworks=frameworks, kind=several.kind, goods=several.goods.all(), destinations=several.destinations.all())
    assert form.is_valid(), form.errors
    assert DecideCommand.of(form.cleaned_data).denied_destinations == (DestinationDecision("US", (7,)),)
    single = submit(exporter_a)
    form = DecisionForm(data, frameworks=frameworks, kind=single.kind, goods=single.goods.all(), destinations=single.destinations.all())
    assert form.is_valid(), form.errors
    assert not any(name.startswith("deny_destination") for name in form.fields)
    assert DecideCommand.of(form.cleaned_data).denied_destinations == ()
