"""Advisors assess and countersign, and the officer decides, through the pages."""
import pytest

from licensing.applications.models import Application, Status
from tests.factories import SAUDI, logged_in
from tests.factories import application_submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



@pytest.fixture
def referred_case(api_as, exporter_a, officer):
    application = application_submitted(exporter_a, **SAUDI)
    referred = api_as(officer).post(f"/api/v1/office/applications/{application.pk}/refer/", {"note": "Advise please."}, format="json")
    assert referred.status_code == 200, referred.json()
    return Application.objects.get(pk=application.pk)


def test_two_advisors_and_an_officer_take_a_case_to_a_licence(referred_case, advisor, advisor2, officer, exporter_a):
    pk = referred_case.pk
    first = logged_in(advisor)
    first.post(f"/office/cases/{pk}/assessment/")
    findings = {f"finding_{n}": "no_concern" for n in range(1, 9)} | {f"reasoning_{n}": f"Criterion {n} checked." for n in range(1, 9)}
    findings["finding_7"], findings["sub_points_7"] = "concern", ["d"]
    first.post(f"/office/cases/{pk}/assessment/findings/", findings)
    page = first.post(f"/office/cases/{pk}/assessment/advice/", {"advice": "approve"}, follow=True).content.decode()
    assert "weighed" in page  # the concern on 7 must be weighed
    first.post(f"/office/cases/{pk}/assessment/advice/", {"advice": "approve", "weighing": "End-user certificate with re-export clause."})
    second = logged_in(advisor2)
    assert "Countersign" in second.get(f"/office/cases/{pk}/").content.decode()
    second.post(f"/office/cases/{pk}/assessment/countersign/", {"agree": "1"})
    referred_case.refresh_from_db()
    assert referred_case.status == Status.ADVICE_GIVEN

    office = logged_in(officer)
    asked = office.post(f"/office/cases/{pk}/decision/", {"outcome": "issued", "conditions": "Re-export only with consent."}).content.decode()
    assert "Yes, record the decision" in asked and 'value="Re-export only with consent."' in asked  # asked once more, nothing typed lost
    assert Application.objects.get(pk=pk).status != "issued"
    office.post(f"/office/cases/{pk}/decision/", {"outcome": "issued", "conditions": "Re-export only with consent.", "confirmed": "yes"})
    referred_case.refresh_from_db()
    assert referred_case.status == Status.ISSUED
    pdf = logged_in(exporter_a).get(f"/applications/{pk}/decision/document/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    exporter_page = logged_in(exporter_a).get(f"/applications/{pk}/").content.decode()
    assert f"{referred_case.reference}-V" in exporter_page
    assert "Criterion 7 checked." not in exporter_page  # the advice stays internal


def test_denial_from_the_page_lists_in_the_register(referred_case, advisor, advisor2, officer, officer2):
    pk = referred_case.pk
    first = logged_in(advisor)
    first.post(f"/office/cases/{pk}/assessment/")
    findings = {f"finding_{n}": "no_concern" for n in range(1, 9)} | {f"reasoning_{n}": "ok" for n in range(1, 9)}
    findings["finding_2"] = "negative"
    first.post(f"/office/cases/{pk}/assessment/findings/", findings)
    first.post(f"/office/cases/{pk}/assessment/advice/", {"advice": "deny"})
    logged_in(advisor2).post(f"/office/cases/{pk}/assessment/countersign/", {"agree": "1"})
    office = logged_in(officer)
    office.post(f"/office/cases/{pk}/decision/", {"outcome": "denied", "criteria": ["2"], "reasons": "Risk of internal repression.", "confirmed": "yes"})
    referred_case.refresh_from_db()
    assert referred_case.status == Status.ADVICE_GIVEN  # a denial waits for a second officer (four eyes at the office)
    proposal = referred_case.decision_proposals.get()
    logged_in(officer2).post(f"/office/cases/{pk}/decision/countersign/", {"proposal": proposal.pk, "agree": "1"})
    referred_case.refresh_from_db()
    assert referred_case.status == Status.DENIED
    assert referred_case.reference in office.get("/office/denials/?own=true").content.decode()


def test_exporters_cannot_reach_assessment_pages(referred_case, exporter_a):
    client = logged_in(exporter_a)
    for url in ["assessment/", "assessment/findings/", "assessment/advice/", "assessment/countersign/", "decision/"]:
        assert client.post(f"/office/cases/{referred_case.pk}/{url}").status_code == 403
    assert client.get("/office/denials/").status_code == 403
    assert client.get("/office/parliament/").status_code == 403
