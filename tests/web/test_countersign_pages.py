"""Four eyes at the office through the pages: an officer proposes a denial, a second officer finds it in the queue and on
the case page, sends it back with a reason or countersigns it; the author cannot."""
import pytest

from licensing.applications.models import Status
from licensing.licences.models import Decision, DecisionProposal, ProposalStatus
from tests.factories import application_submitted, logged_in

pytestmark = pytest.mark.django_db

DENIAL = {"outcome": "denied", "criteria": ["7"], "reasons": "Risk of diversion to an embargoed end user."}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path



def test_a_denial_proposed_on_the_page_is_countersigned_by_a_second_officer(exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    author, second = logged_in(officer), logged_in(officer2)
    decide = f"/office/cases/{application.pk}/decision/"

    asked = author.post(decide, DENIAL).content.decode()
    assert "A denial (a negative indicative answer too) needs a second officer." in asked and "Yes, propose the decision" in asked
    proposed = author.post(decide, {**DENIAL, "confirmed": "yes"}, follow=True).content.decode()
    assert "Decision proposed: it takes effect once another officer countersigns it." in proposed
    assert "Decision awaiting countersignature" in proposed and "You proposed this decision" in proposed
    assert "decision/countersign/" not in proposed  # no form for the author
    proposal = DecisionProposal.objects.get()

    queue = second.get("/office/countersign/").content.decode()
    assert application.reference in queue and "A denial (a negative indicative answer too) needs a second officer." in queue
    case_page = second.get(f"/office/cases/{application.pk}/").content.decode()
    assert f'name="proposal" value="{proposal.pk}"' in case_page and "Risk of diversion to an embargoed end user." in case_page
    assert "Decision proposed: awaiting a second officer&#x27;s countersignature" in case_page  # the timeline

    countersign = f"/office/cases/{application.pk}/decision/countersign/"
    unreasoned = second.post(countersign, {"proposal": proposal.pk, "agree": "0", "reason": ""}, follow=True).content.decode()
    assert "Say why you send the decision back." in unreasoned
    signed = second.post(countersign, {"proposal": proposal.pk, "agree": "1"}, follow=True).content.decode()
    assert "Decision countersigned: it is in effect." in signed and "Decision countersigned by a second officer" in signed
    assert "Proposed by officer1, countersigned by officer2 on" in signed
    application.refresh_from_db()
    assert application.status == Status.DENIED and Decision.objects.get(application=application).decided_by == officer
    assert application.reference not in second.get("/office/countersign/").content.decode()


def test_the_author_gets_a_403_and_a_sent_back_proposal_shows_its_reason(exporter_a, officer, officer2):
    application = application_submitted(exporter_a)
    author = logged_in(officer)
    author.post(f"/office/cases/{application.pk}/decision/", {**DENIAL, "confirmed": "yes"})
    proposal = DecisionProposal.objects.get()
    countersign = f"/office/cases/{application.pk}/decision/countersign/"
    assert author.post(countersign, {"proposal": proposal.pk, "agree": "1"}).status_code == 403
    assert logged_in(officer2).post(countersign, {"proposal": "not a number", "agree": "1"}, follow=True).status_code == 200
    assert DecisionProposal.objects.get().status == ProposalStatus.PROPOSED  # neither signed it

    logged_in(officer2).post(countersign, {"proposal": proposal.pk, "agree": "0", "reason": "Cite criterion 4 as well."})
    page = author.get(f"/office/cases/{application.pk}/").content.decode()
    assert "Cite criterion 4 as well." in page and "Sent back" in page
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW


def test_the_exporter_sees_its_case_being_decided_and_nothing_of_the_proposal(exporter_a, officer):
    application = application_submitted(exporter_a)
    logged_in(officer).post(f"/office/cases/{application.pk}/decision/", {**DENIAL, "confirmed": "yes"})
    page = logged_in(exporter_a).get(f"/applications/{application.pk}/").content.decode()
    assert "is assessing your application and decides on it" in page
    assert "countersign" not in page.lower() and "Risk of diversion" not in page
