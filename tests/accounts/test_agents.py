"""Agents and representatives (issue 20, point 7): a person of one firm files for several organisations and switches
between them; every action is recorded as theirs on behalf of the organisation; they see only the organisations they
act for, and only while they act for each."""
import re

import pytest
from django.test import Client

from licensing.accounts import agents
from licensing.accounts.models import Agency, OrgRole, User
from licensing.applications.models import Application
from licensing.audit.models import Event
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tests.factories import OrganisationFactory, UserFactory, application_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def org_c(db):
    return OrganisationFactory(name="Company C Ltd.", country_id="US")


@pytest.fixture
def firm(db):
    return OrganisationFactory(name="Douane Expeditie B.V.")


@pytest.fixture
def agent(firm):
    return UserFactory(username="agent", email="agent@douane-expeditie.example", organisation=firm, first_name="Piet", last_name="Agent")


@pytest.fixture
def acting_agent(agent, exporter_a, org_c):
    """The agent acts for A (signatory) and for C (preparer); B never made it its agent."""
    admin_c = UserFactory(username="admin_c", organisation=org_c)
    agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.SIGNATORY)
    agents.agency_grant(actor=admin_c, agent="agent@douane-expeditie.example", org_role=OrgRole.PREPARER)
    return agent


def drafted(client, title: str, acting_for=None) -> dict:
    headers = {"HTTP_X_ACTING_FOR": str(acting_for)} if acting_for is not None else {}
    response = client.post("/api/v1/applications/", application_payload(title=title), format="json", **headers)
    assert response.status_code == 201, response.content
    return response.json()


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def web(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


# --- granting and revoking: the organisation's administrator only ------------------------------------------------
def test_the_administrator_grants_an_agency_by_username_or_e_mail_and_it_is_recorded(agent, exporter_a, org_a):
    agency = agents.agency_grant(actor=exporter_a, agent="AGENT@douane-expeditie.example", org_role=OrgRole.SIGNATORY)
    assert (agency.agent, agency.organisation, agency.org_role, agency.granted_by) == (agent, org_a, OrgRole.SIGNATORY, exporter_a)
    event = Event.objects.get(verb="organisation.agent_granted")
    assert (event.actor, event.target_id, event.payload) == (exporter_a, str(org_a.pk), {"agent": "agent", "org_role": "signatory"})
    with pytest.raises(Conflict):
        agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.VIEWER)  # one live agency per organisation
    assert Agency.objects.count() == 1


@pytest.mark.parametrize("org_role", [OrgRole.PREPARER, OrgRole.SIGNATORY, OrgRole.VIEWER])
def test_no_one_but_the_administrator_grants_an_agency(agent, org_a, org_role):
    colleague = UserFactory(organisation=org_a, org_role=org_role)
    with pytest.raises(NotAllowed):
        agents.agency_grant(actor=colleague, agent="agent", org_role=OrgRole.PREPARER)
    assert not Agency.objects.exists()


def test_an_agency_is_never_the_administrator_role_nor_for_a_colleague_an_official_or_an_unknown_name(agent, exporter_a, org_a, officer):
    with pytest.raises(DomainError) as refused:
        agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.ADMINISTRATOR)
    assert "org_role" in refused.value.fields
    colleague = UserFactory(username="colleague", organisation=org_a)
    for name in ("colleague", "officer1", "nobody", "", "exporter_a"):
        with pytest.raises(DomainError) as refused:
            agents.agency_grant(actor=exporter_a, agent=name, org_role=OrgRole.PREPARER)
        assert "agent" in refused.value.fields, name
    assert colleague.organisation == org_a and not Agency.objects.exists()


def test_an_address_shared_by_two_people_is_refused_rather_than_guessed(agent, exporter_a):
    UserFactory(username="other", email=agent.email.upper())
    with pytest.raises(DomainError):
        agents.agency_grant(actor=exporter_a, agent=agent.email, org_role=OrgRole.PREPARER)
    assert agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.PREPARER).agent == agent


def test_only_the_organisations_administrator_revokes_and_the_agent_is_out_at_its_next_request(acting_agent, exporter_a, exporter_b, org_a, api_as):
    agency = Agency.objects.get(organisation=org_a)
    with pytest.raises(NotFound):
        agents.agency_revoke(actor=exporter_b, agency_id=agency.pk)  # B's administrator: not B's agency
    with pytest.raises(NotAllowed):
        agents.agency_revoke(actor=UserFactory(organisation=org_a, org_role=OrgRole.SIGNATORY), agency_id=agency.pk)
    client = api_as(acting_agent)
    assert client.get("/api/v1/applications/", HTTP_X_ACTING_FOR=str(org_a.pk)).status_code == 200
    agents.agency_revoke(actor=exporter_a, agency_id=agency.pk)
    assert Agency.objects.get(pk=agency.pk).revoked_by == exporter_a
    assert Event.objects.filter(verb="organisation.agent_revoked", actor=exporter_a, target_id=str(org_a.pk)).exists()
    assert client.get("/api/v1/applications/", HTTP_X_ACTING_FOR=str(org_a.pk)).status_code == 403
    with pytest.raises(NotFound):
        agents.agency_revoke(actor=exporter_a, agency_id=agency.pk)  # revoked once
    agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.VIEWER)  # and may be granted anew


def test_the_organisation_page_grants_and_revokes(agent, exporter_a, org_a):
    client = web(exporter_a)
    assert client.post("/organisation/agents/", {"agent": "agent", "org_role": "preparer"}).status_code == 302
    agency = Agency.objects.get(agent=agent, organisation=org_a, revoked_at__isnull=True)
    page = client.get("/organisation/").content.decode()
    assert "Douane Expeditie B.V." in page and f"/organisation/agents/{agency.pk}/revoke/" in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "the agency's role and the invitation's role had one id (id_org_role), two labels for it"
    assert client.post(f"/organisation/agents/{agency.pk}/revoke/").status_code == 302
    assert Agency.objects.get(pk=agency.pk).revoked_at is not None
    assert client.post(f"/organisation/agents/{agency.pk}/revoke/").status_code == 404


# --- switching and scoping: an agent sees only the organisations it acts for, each only while acting for it -------
def test_the_agent_switches_on_the_pages_and_sees_each_organisations_applications_only_while_acting_for_it(
    acting_agent, exporter_a, exporter_b, org_a, org_c, firm, api_as
):
    drafted(api_as(exporter_a), "A's radar")
    drafted(api_as(exporter_b), "B's sonar")
    drafted(api_as(acting_agent), "The agent's own firm's crate")
    client = web(acting_agent)
    page = client.get("/organisation/switch/").content.decode()
    assert all(name in page for name in ("Company A", "Company C Ltd.", "Douane Expeditie B.V.")) and "Company B" not in page

    def listed() -> str:
        return client.get("/applications/").content.decode()

    assert "The agent&#x27;s own firm&#x27;s crate" in listed() and "A&#x27;s radar" not in listed()
    assert client.post("/organisation/switch/", {"organisation": org_a.pk}).status_code == 302
    page = listed()
    assert "A&#x27;s radar" in page and "Acting for Company A" in page
    assert "B&#x27;s sonar" not in page and "own firm" not in page
    assert client.post("/organisation/switch/", {"organisation": org_c.pk}).status_code == 302
    page = listed()
    assert "Acting for Company C Ltd." in page and "A&#x27;s radar" not in page
    a_case = Application.objects.get(title="A's radar")
    assert client.get(f"/applications/{a_case.pk}/").status_code == 404  # acting for C: A's case is not there

    # B never made it its agent: the switch is refused and the agent stays where it was.
    response = client.post("/organisation/switch/", {"organisation": exporter_b.organisation_id}, follow=True)
    assert "You do not act for that organisation." in response.content.decode()
    assert "Acting for Company C Ltd." in listed() and "B&#x27;s sonar" not in listed()
    assert client.post("/organisation/switch/", {"organisation": firm.pk}).status_code == 302
    assert "Acting for" not in listed() and "own firm" in listed()


def test_a_revoked_agency_ends_the_pages_acting_at_the_next_request(acting_agent, exporter_a, org_a):
    client = web(acting_agent)
    client.post("/organisation/switch/", {"organisation": org_a.pk})
    assert "Acting for Company A" in client.get("/applications/").content.decode()
    agents.agency_revoke(actor=exporter_a, agency_id=Agency.objects.get(organisation=org_a).pk)
    page = client.get("/applications/").content.decode()
    assert "Acting for" not in page and "You no longer act for that organisation" in page
    assert agents.SESSION_KEY not in client.session


def test_the_api_acts_for_the_organisation_in_the_header_and_refuses_any_other(acting_agent, exporter_a, exporter_b, org_a, org_c, officer, api_as):
    a_case = drafted(api_as(exporter_a), "A's radar")
    drafted(api_as(exporter_b), "B's sonar")
    client = api_as(acting_agent)
    assert titles(client.get("/api/v1/applications/")) == set()  # its own firm's: none yet
    assert titles(client.get("/api/v1/applications/", HTTP_X_ACTING_FOR=str(org_a.pk))) == {"A's radar"}
    assert titles(client.get("/api/v1/applications/", HTTP_X_ACTING_FOR=str(org_c.pk))) == set()
    assert client.get(f"/api/v1/applications/{a_case['id']}/", HTTP_X_ACTING_FOR=str(org_c.pk)).status_code == 404
    assert client.get(f"/api/v1/applications/{a_case['id']}/", HTTP_X_ACTING_FOR=str(org_a.pk)).status_code == 200
    for refused in (str(exporter_b.organisation_id), "999999", "A", "", f"{org_a.pk},{exporter_b.organisation_id}", "1e3"):
        response = client.get("/api/v1/applications/", HTTP_X_ACTING_FOR=refused)
        assert response.status_code == 403 and response.json()["code"] == "not_acting_for", (refused, response.content)
    me = client.get("/api/v1/me/", HTTP_X_ACTING_FOR=str(org_a.pk)).json()
    assert me["organisation"] == org_a.name and me["acting_for"] == org_a.pk
    assert {o["id"] for o in me["acts_for"]} == {org_a.pk, org_c.pk}
    # Nobody but an agent acts for anyone: an official, or exporter B naming A.
    assert api_as(officer).get("/api/v1/applications/", HTTP_X_ACTING_FOR=str(org_a.pk)).status_code == 403
    assert api_as(exporter_b).get("/api/v1/applications/", HTTP_X_ACTING_FOR=str(org_a.pk)).status_code == 403
    assert api_as(exporter_b).get("/api/v1/applications/", HTTP_X_ACTING_FOR=str(exporter_b.organisation_id)).status_code == 200


def test_the_agents_role_in_the_organisation_is_the_agencys(agent, exporter_a, org_a, api_as):
    agents.agency_grant(actor=exporter_a, agent="agent", org_role=OrgRole.VIEWER)
    a_case = drafted(api_as(exporter_a), "A's radar")
    client = api_as(agent)
    assert titles(client.get("/api/v1/applications/", HTTP_X_ACTING_FOR=str(org_a.pk))) == {"A's radar"}
    assert client.post("/api/v1/applications/", application_payload(), format="json", HTTP_X_ACTING_FOR=str(org_a.pk)).status_code == 403
    assert client.delete(f"/api/v1/applications/{a_case['id']}/", HTTP_X_ACTING_FOR=str(org_a.pk)).status_code == 403
    assert Application.objects.filter(organisation=org_a).count() == 1
    assert client.post("/api/v1/applications/", application_payload(), format="json").status_code == 201  # in its own firm it drafts


def test_the_session_s_choice_holds_for_the_api_too(acting_agent, exporter_a, org_a):
    drafted_by_a = drafted(_api_session(exporter_a), "A's radar")
    client = _api_session(acting_agent)
    web_client = Client()
    web_client.cookies = client.cookies
    web_client.post("/organisation/switch/", {"organisation": org_a.pk})
    assert titles(client.get("/api/v1/applications/")) == {drafted_by_a["title"]}


def _api_session(user):
    from rest_framework.test import APIClient

    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=False)
    client.force_login(user)
    return client


# --- recorded as theirs, on behalf of the organisation -----------------------------------------------------------
def test_what_the_agent_does_is_recorded_as_theirs_on_behalf_of_the_organisation(acting_agent, org_a, firm, api_as):
    created = drafted(api_as(acting_agent), "Filed by the agent", acting_for=org_a.pk)
    application = Application.objects.get(pk=created["id"])
    assert application.organisation == org_a
    event = Event.objects.get(verb="application.created", target_id=str(application.pk))
    assert event.actor == acting_agent and event.payload["on_behalf_of"] == org_a.pk
    own = drafted(api_as(acting_agent), "Its own firm's")
    assert Application.objects.get(pk=own["id"]).organisation == firm
    assert "on_behalf_of" not in Event.objects.get(verb="application.created", target_id=str(own["id"])).payload
    # The exporter's timeline says the agent did it.
    timeline = api_as(acting_agent).get(f"/api/v1/applications/{application.pk}/timeline/", HTTP_X_ACTING_FOR=str(org_a.pk))
    assert timeline.status_code == 200 and "Piet Agent (agent)" in timeline.content.decode()


def test_saving_an_acting_user_writes_their_own_organisation_and_role(acting_agent, org_a, firm):
    user = User.objects.get(pk=acting_agent.pk)
    agents.acting_start(user, org_a.pk)
    assert (user.organisation_id, user.org_role, user.acting_for_id, user.home_organisation_id) == (org_a.pk, OrgRole.SIGNATORY, org_a.pk, firm.pk)
    user.first_name = "Pieter"
    user.save()
    user.save(update_fields=["organisation", "org_role"])
    stored = User.objects.get(pk=user.pk)
    assert (stored.organisation_id, stored.org_role, stored.first_name) == (firm.pk, OrgRole.ADMINISTRATOR, "Pieter")
    assert (user.organisation_id, user.acting_for_id) == (org_a.pk, org_a.pk)  # still acting for the rest of the request
    agents.acting_start(user, firm.pk)
    assert (user.organisation_id, user.org_role, user.acting_for_id) == (firm.pk, OrgRole.ADMINISTRATOR, None)


def test_an_idempotency_key_is_never_replayed_for_another_organisation(acting_agent, org_a, org_c, api_as):
    client = api_as(acting_agent)
    first = client.post("/api/v1/applications/", application_payload(title="Once"), format="json", HTTP_X_ACTING_FOR=str(org_a.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    again = client.post("/api/v1/applications/", application_payload(title="Once"), format="json", HTTP_X_ACTING_FOR=str(org_a.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    other = client.post("/api/v1/applications/", application_payload(title="Once"), format="json", HTTP_X_ACTING_FOR=str(org_c.pk), HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409 and first.json()["reference"] not in other.content.decode()
    assert Application.objects.filter(title="Once").count() == 1
