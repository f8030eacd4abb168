"""Issue 18.1: the framework an assessment answers follows from the goods and the end use (seed 002, "Toetsingskader"):
military goods on the Common Position's eight criteria, dual-use goods on Article 15 of Regulation (EU) 2021/821 (and
the Common Position too when the end use is military), anti-torture goods on Regulation (EU) 2019/125. The findings,
the advice, the letter, the register entry and the EU export cite the basis actually used."""
import csv
import importlib
import io

import pytest
from django.apps import apps as global_apps

from licensing.assessment.models import Assessment
from licensing.denials.models import DenialRegisterEntry
from licensing.licences.models import Decision
from licensing.reference.frameworks import basis_text, frameworks_for, ground_codes

from .conftest import dispose_hits
from .test_assessment import pdf_text, start

pytestmark = pytest.mark.django_db

CP, DU, AT = "common_position", "dual_use", "anti_torture"
DENY_ADVICE = {"advice": "deny", "weighing": "The end user's procurement network makes diversion likely."}
DUAL_USE_CIVIL = {
    "end_use": "civil",
    "end_use_description": "Process control at a petrochemical plant.",
    "goods": [{"goods_kind": "dual_use", "description": "Frequency changers", "control_entry": "3A225", "quantity": "2", "value_eur": "80000.00"}],
}
ANTI_TORTURE = {
    "end_use": "civil",
    "end_use_description": "Equipment for the national police.",
    "goods": [{"goods_kind": "anti_torture", "description": "Stun guns", "control_entry": "ANNEX_III.2.1", "quantity": "50", "value_eur": "25000.00"}],
}


@pytest.mark.parametrize(
    "goods_kinds, end_use, expected",
    [
        ({"military"}, "civil", [CP]),
        ({"military"}, "military", [CP]),
        ({"dual_use"}, "civil", [DU]),
        ({"dual_use"}, "wmd", [DU]),
        ({"dual_use"}, "military", [CP, DU]),  # "net als militaire goederen" also on the Common Position
        ({"unlisted"}, "civil", [DU]),  # catch-all under the Dual-Use Regulation
        ({"unlisted"}, "military", [CP, DU]),
        ({"anti_torture"}, "civil", [AT]),
        ({"anti_torture", "military"}, "civil", [CP, AT]),  # a mixed case answers each framework that applies
        (set(), "civil", []),
    ],
)
def test_one_function_decides_the_framework_from_goods_and_end_use(goods_kinds, end_use, expected):
    assert frameworks_for(goods_kinds=goods_kinds, end_use=end_use) == expected


def test_an_unknown_goods_kind_is_an_error_not_a_silent_framework():
    with pytest.raises(ValueError, match="no assessment framework"):
        frameworks_for(goods_kinds={"nuclear"}, end_use="civil")


def test_the_basis_is_worded_per_framework_in_dutch_and_english():
    assert basis_text([2, 7], language="en") == "criteria 2, 7 of Council Common Position 2008/944/CFSP"
    assert basis_text([14, 2], language="en") == "criterion 2 of Council Common Position 2008/944/CFSP; Article 15(1)(d) of Regulation (EU) 2021/821"
    assert basis_text([22], language="nl") == "artikel 12, tweede lid van Verordening (EU) 2019/125"
    assert ground_codes([14, 11, 7]) == ["7", "15(1)(a)", "15(1)(d)"]
    assert basis_text([], language="en") == ""
    with pytest.raises(ValueError, match="unknown ground 99"):
        basis_text([99], language="en")


def findings(client, pk, numbers, negative=()):
    for number in numbers:
        body = {"finding": "negative" if number in negative else "no_concern", "reasoning": f"Reasoning on ground {number}."}
        response = client.put(f"/api/v1/ministry/applications/{pk}/assessment/findings/{number}/", body, format="json")
        assert response.status_code == 200, response.json()


def advise_deny(api_as, advisor, advisor2, application, numbers, negative):
    client = api_as(advisor)
    assessment = start(client, application.pk)
    findings(client, application.pk, numbers, negative)
    given = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", DENY_ADVICE, format="json")
    assert given.status_code == 200, given.json()
    signed = api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json")
    assert signed.status_code == 200, signed.json()
    return assessment


def deny(api_as, officer, application, criteria):
    dispose_hits(api_as(officer), application.pk)
    return api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", {"outcome": "denied", "criteria": criteria, "reasons": "Risk."}, format="json")


def exported(api_as, officer):
    return list(csv.DictReader(io.StringIO(api_as(officer).get("/api/v1/denials/export/?format=csv").content.decode())))


def test_a_dual_use_denial_cites_article_15_and_not_the_common_position(api_as, referred, advisor, advisor2, officer, exporter_a, countersigned):
    application = referred(**DUAL_USE_CIVIL)
    client = api_as(advisor)
    assessment = start(client, application.pk)
    assert assessment["frameworks"] == [DU]
    wrong = client.put(f"/api/v1/ministry/applications/{application.pk}/assessment/findings/2/", {"finding": "negative", "reasoning": "x"}, format="json")
    assert wrong.status_code == 400 and "Article 15(1)(a)" in wrong.json()["fields"]["criterion"][0]
    incomplete = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "deny"}, format="json")
    assert "Article 15(1)(d)" in incomplete.json()["fields"]["findings"][0] and "criterion 1" not in incomplete.json()["fields"]["findings"][0]
    findings(client, application.pk, [11, 12, 13, 14], negative=[14])
    given = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", DENY_ADVICE, format="json")
    assert given.status_code == 200, given.json()
    assert api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json").status_code == 200

    refused = deny(api_as, officer, application, [7])  # a criterion of the Common Position: not this case's basis
    assert refused.status_code == 400 and "Article 15(1)(d)" in refused.json()["fields"]["criteria"][0]
    denied = countersigned(deny(api_as, officer, application, [14]))
    assert denied["frameworks"] == [DU] and denied["legal_basis"] == "Article 15(1)(d) of Regulation (EU) 2021/821"
    entry = DenialRegisterEntry.objects.get(own=True)
    assert (entry.criteria, entry.frameworks) == ([14], [DU])
    [row] = exported(api_as, officer)
    assert (row["criteria"], row["frameworks"], row["legal_basis"]) == ("15(1)(d)", DU, "Article 15(1)(d) of Regulation (EU) 2021/821")

    letter = pdf_text(api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/").content)
    assert "artikel 15, eerste lid, onder d van Verordening (EU) 2021/821" in " ".join(letter.split())  # the holder reads Dutch
    assert "2008/944" not in letter


def test_a_dual_use_case_with_a_military_end_use_answers_both_and_may_cite_both(api_as, referred, advisor, advisor2, officer, countersigned):
    application = referred(**{**DUAL_USE_CIVIL, "end_use": "military", "end_use_description": "Armed forces' workshops."})
    assessment = advise_deny(api_as, advisor, advisor2, application, [*range(1, 9), 11, 12, 13, 14], negative=[2, 14])
    assert assessment["frameworks"] == [CP, DU]
    denied = countersigned(deny(api_as, officer, application, [2, 14]))
    assert denied["legal_basis"] == "criterion 2 of Council Common Position 2008/944/CFSP; Article 15(1)(d) of Regulation (EU) 2021/821"
    [row] = exported(api_as, officer)
    assert (row["criteria"], row["frameworks"]) == ("2;15(1)(d)", f"{CP};{DU}")


def test_a_dual_use_case_with_military_end_use_needs_findings_on_the_eight_criteria_too(api_as, referred, advisor):
    application = referred(**{**DUAL_USE_CIVIL, "end_use": "military"})
    client = api_as(advisor)
    start(client, application.pk)
    findings(client, application.pk, [11, 12, 13, 14], negative=[14])
    incomplete = client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", {"advice": "deny"}, format="json")
    assert incomplete.status_code == 400
    assert incomplete.json()["fields"]["findings"][0] == "Record a finding on " + ", ".join(f"criterion {n}" for n in range(1, 9)) + "."


def test_an_anti_torture_denial_cites_regulation_2019_125(api_as, referred, advisor, advisor2, officer, exporter_a, countersigned):
    application = referred(**ANTI_TORTURE)
    assessment = advise_deny(api_as, advisor, advisor2, application, [21, 22, 23, 24], negative=[22])
    assert assessment["frameworks"] == [AT]
    assert deny(api_as, officer, application, [2]).status_code == 400
    denied = countersigned(deny(api_as, officer, application, [22]))
    assert denied["legal_basis"] == "Article 12(2) of Regulation (EU) 2019/125"
    [row] = exported(api_as, officer)
    assert (row["criteria"], row["frameworks"], row["legal_basis"]) == ("12(2)", AT, "Article 12(2) of Regulation (EU) 2019/125")
    letter = " ".join(pdf_text(api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/").content).split())
    assert "artikel 12, tweede lid van Verordening (EU) 2019/125" in letter and "2008/944" not in letter


def test_a_military_denial_cites_criteria_1_to_8_only(api_as, referred, advisor, advisor2, officer, countersigned):
    application = referred()
    client = api_as(advisor)
    start(client, application.pk)
    art15 = client.put(f"/api/v1/ministry/applications/{application.pk}/assessment/findings/14/", {"finding": "negative", "reasoning": "x"}, format="json")
    assert art15.status_code == 400 and "criterion 8" in art15.json()["fields"]["criterion"][0]
    findings(client, application.pk, range(1, 9), negative=[2])
    client.post(f"/api/v1/ministry/applications/{application.pk}/assessment/advice/", DENY_ADVICE, format="json")
    api_as(advisor2).post(f"/api/v1/ministry/applications/{application.pk}/assessment/countersign/", {"agree": True}, format="json")
    assert deny(api_as, officer, application, [14]).status_code == 400
    denied = countersigned(deny(api_as, officer, application, [2]))
    assert denied["frameworks"] == [CP] and denied["legal_basis"] == "criterion 2 of Council Common Position 2008/944/CFSP"


def test_the_migrations_carry_existing_assessments_denials_and_register_entries_as_common_position(api_as, referred, advisor, advisor2, officer, countersigned):
    DenialRegisterEntry.objects.create(
        reference="DE-2025-0042", notifying_state_id="DE", notified_on="2025-01-02", destination_id="CN", goods_description="Radar parts", control_entry="ML5", criteria=[2, 4]
    )
    application = referred()
    advise_deny(api_as, advisor, advisor2, application, range(1, 9), negative=[2])
    countersigned(deny(api_as, officer, application, [2]))
    Assessment.objects.update(frameworks=[])
    Decision.objects.update(frameworks=[])
    DenialRegisterEntry.objects.update(frameworks=[])  # as the rows stood before the migrations

    importlib.import_module("licensing.assessment.migrations.0004_assessment_frameworks").existing_are_common_position(global_apps, None)
    importlib.import_module("licensing.licences.migrations.0005_decision_frameworks").denials_are_common_position(global_apps, None)
    importlib.import_module("licensing.denials.migrations.0002_denial_frameworks").entries_are_common_position(global_apps, None)

    assert list(Assessment.objects.values_list("frameworks", flat=True)) == [[CP]]
    assert list(Decision.objects.values_list("frameworks", flat=True)) == [[CP]]
    assert sorted(DenialRegisterEntry.objects.values_list("own", "frameworks")) == [(False, [CP]), (True, [CP])]
