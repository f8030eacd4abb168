"""Organisations that run themselves (issue 20, point 7): a company registers itself, the office vets it before it
files, its administrator invites colleagues with a role, and people leave without their drafts being lost."""
import re

import pytest
from django.test import Client

from licensing.accounts.models import Invitation, Organisation, OrganisationStatus, OrgRole, User
from licensing.applications.models import Application, Status
from tests.factories import PASSWORD, UserFactory, application_payload, pdf_upload

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Vergunning-aanvragen-2026"


def registration(**overrides) -> dict:
    data = {
        "name": "Zeeland Optronics B.V.", "kvk_number": "87654321", "eori_number": "NL876543210", "address": "Havenweg 1\n4381 Vlissingen",
        "country": "NL", "language": "nl", "first_name": "Anna", "last_name": "de Vries", "email": "anna@zeeland-optronics.example",
        "username": "anna", "password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def signed_in(username: str, password: str = PASSWORD) -> Client:
    client = english()
    assert client.login(username=username, password=password)
    return client


def draft(api_as, user) -> int:
    """A complete draft (with its end-user certificate) by this person; its id."""
    client = api_as(user)
    created = client.post("/api/v1/applications/", application_payload(), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.post(f"/api/v1/applications/{pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart").status_code == 201
    return pk


def submit(api_as, user) -> int:
    return api_as(user).post(f"/api/v1/applications/{draft(api_as, user)}/submit/").status_code


def test_a_company_registers_itself_and_files_only_after_the_office_accepts_it(officer, api_as, mailoutbox, django_capture_on_commit_callbacks):
    response = english().post("/register/", registration())
    assert response.status_code == 302 and response["Location"] == "/login/"
    organisation = Organisation.objects.get(kvk_number="87654321")
    anna = User.objects.get(username="anna")
    assert organisation.status == OrganisationStatus.PENDING and anna.organisation == organisation and anna.org_role == OrgRole.ADMINISTRATOR

    assert submit(api_as, anna) == 403  # it may prepare a draft, not submit one
    assert Application.objects.get().status == Status.DRAFT

    assert signed_in("anna", NEW_PASSWORD).get("/office/organisations/").status_code == 403
    page = signed_in(officer.username).get("/office/organisations/").content.decode()
    assert "Zeeland Optronics B.V." in page and "87654321" in page
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(officer.username).post(f"/office/organisations/{organisation.pk}/vet/", {"decision": "accept"})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.ACTIVE and organisation.vetted_by == officer
    assert [m.to for m in mailoutbox] == [["anna@zeeland-optronics.example"]]
    assert "kan nu aanvragen indienen" in mailoutbox[0].subject  # the organisation's language: Dutch
    assert api_as(anna).post(f"/api/v1/applications/{Application.objects.get().pk}/submit/").status_code == 200


def test_a_refusal_needs_a_reason_which_the_organisation_is_sent(officer, mailoutbox, django_capture_on_commit_callbacks):
    english().post("/register/", registration(language="en"))
    organisation = Organisation.objects.get()
    signed_in(officer.username).post(f"/office/organisations/{organisation.pk}/vet/", {"decision": "refuse", "reason": "  "})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(officer.username).post(f"/office/organisations/{organisation.pk}/vet/", {"decision": "refuse", "reason": "The KvK number belongs to another company."})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REFUSED
    assert "The KvK number belongs to another company." in mailoutbox[0].body
    # Vetted once: a second decision (two officers at once) is refused, nothing changes.
    signed_in(officer.username).post(f"/office/organisations/{organisation.pk}/vet/", {"decision": "accept"})
    organisation.refresh_from_db()
    assert organisation.status == OrganisationStatus.REFUSED


def test_the_registration_page_asks_each_question_once_in_its_own_group():
    """The organisation's name was asked a second time among the administrator's questions (a substring test picked
    "name" out of "first_name last_name"): two inputs named "name", two labels for one id."""
    html = english().get("/register/").content.decode().split("<main", 1)[1]  # not the header's language switch
    for field in ("name", "kvk_number", "eori_number", "address", "country", "language", "first_name", "last_name", "email", "username", "password"):
        assert html.count(f'name="{field}"') == 1, field
    organisation, administrator = html.split("</fieldset>")[:2]
    assert 'name="name"' in organisation and 'name="name"' not in administrator and 'name="first_name"' in administrator


@pytest.mark.parametrize(
    "field, value",
    [
        ("kvk_number", "1234567"), ("kvk_number", "１２３４５６７８"), ("kvk_number", "1234567a"),
        ("eori_number", "NL12345678"), ("eori_number", "ΝL876543210"),  # a Greek capital Nu for the N
        ("eori_number", "NL876543210\u200b"), ("eori_number", "N"),
    ],
)
def test_registration_numbers_are_checked_and_nothing_is_half_saved(field, value):
    response = english().post("/register/", registration(**{field: value}))
    assert response.status_code == 200
    assert f'href="#id_{field}"' in response.content.decode()
    assert not Organisation.objects.filter(name="Zeeland Optronics B.V.").exists() and not User.objects.filter(username="anna").exists()


def test_a_weak_password_or_a_taken_number_is_refused(exporter_a):
    response = english().post("/register/", registration(password="anna1234"))
    assert 'href="#id_password"' in response.content.decode() and not Organisation.objects.filter(kvk_number="87654321").exists()
    Organisation.objects.filter(pk=exporter_a.organisation_id).update(kvk_number="87654321")
    response = english().post("/register/", registration())
    assert "already registered" in response.content.decode() and not User.objects.filter(username="anna").exists()


def test_registrations_from_one_address_are_limited():
    for n in range(10):
        english().post("/register/", registration(kvk_number=f"1000000{n}", eori_number=f"NL10000000{n}", username=f"user{n}"))
    assert english().post("/register/", registration(kvk_number="20000000", eori_number="NL200000000", username="late")).status_code == 429
    assert not User.objects.filter(username="late").exists()


def _invite(client, email, role, capture) -> str:
    from django.core import mail

    with capture(execute=True):
        client.post("/organisation/invite/", {"email": email, "org_role": role})
    link = re.search(r"http://\S+/invitations/(\S+)/", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return link.group(1)


def _accept(token: str, username: str) -> int:
    return english().post(f"/invitations/{token}/", {"first_name": "P", "last_name": username, "username": username, "password": NEW_PASSWORD}).status_code


def test_colleagues_are_invited_with_a_role_and_each_role_does_what_it_may(exporter_a, api_as, django_capture_on_commit_callbacks):
    admin = signed_in(exporter_a.username)
    preparer_token = _invite(admin, "piet@company-a.example", "preparer", django_capture_on_commit_callbacks)
    signatory_token = _invite(admin, "sara@company-a.example", "signatory", django_capture_on_commit_callbacks)
    viewer_token = _invite(admin, "vera@company-a.example", "viewer", django_capture_on_commit_callbacks)
    assert _accept(preparer_token, "piet") == 302 and _accept(signatory_token, "sara") == 302 and _accept(viewer_token, "vera") == 302
    piet, sara, vera = (User.objects.get(username=n) for n in ("piet", "sara", "vera"))
    assert (piet.organisation, piet.org_role, piet.email) == (exporter_a.organisation, OrgRole.PREPARER, "piet@company-a.example")

    prepared = draft(api_as, piet)  # the preparer drafts
    refused = api_as(piet).post(f"/api/v1/applications/{prepared}/submit/")
    assert refused.status_code == 403 and "Preparer" in refused.json()["detail"]  # but does not submit
    assert api_as(vera).post("/api/v1/applications/", application_payload(), format="json").status_code == 403  # the viewer reads only
    assert api_as(vera).get(f"/api/v1/applications/{prepared}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(sara).post(f"/api/v1/applications/{prepared}/submit/").status_code == 200  # the signatory submits

    assert _accept(preparer_token, "piet2") == 404  # a link works once
    assert _accept(preparer_token[:-2] + "xx", "piet3") == 404  # and a changed link not at all
    assert not User.objects.filter(username__in=["piet2", "piet3"]).exists()


def test_only_the_organisations_administrator_invites_and_a_colleague_leaves_without_losing_drafts(exporter_a, api_as, django_capture_on_commit_callbacks):
    preparer = UserFactory(username="piet", organisation=exporter_a.organisation, org_role=OrgRole.PREPARER, email="piet@a.example")
    signed_in("piet").post("/organisation/invite/", {"email": "x@a.example", "org_role": "administrator"})
    assert not Invitation.objects.exists()
    draft = api_as(preparer).post("/api/v1/applications/", application_payload(), format="json").json()["id"]

    admin = signed_in(exporter_a.username)
    admin.post(f"/organisation/people/{preparer.pk}/", {"leave": "yes"})
    preparer.refresh_from_db()
    assert not preparer.is_active
    assert Application.objects.filter(pk=draft, organisation=exporter_a.organisation).exists()  # the draft stays with the organisation
    assert english().login(username="piet", password=PASSWORD) is False

    # The last administrator cannot make the organisation administrator-less.
    admin.post(f"/organisation/people/{exporter_a.pk}/", {"org_role": "viewer"})
    exporter_a.refresh_from_db()
    assert exporter_a.org_role == OrgRole.ADMINISTRATOR


def test_an_administrator_of_one_organisation_cannot_touch_anothers_people(exporter_a, exporter_b):
    colleague = UserFactory(username="piet", organisation=exporter_a.organisation, org_role=OrgRole.PREPARER)
    assert signed_in(exporter_b.username).post(f"/organisation/people/{colleague.pk}/", {"leave": "yes"}).status_code == 404
    colleague.refresh_from_db()
    assert colleague.is_active
    page = signed_in(exporter_b.username).get("/organisation/").content.decode()
    assert "piet" not in page and exporter_a.organisation.name not in page


def test_the_invitation_says_in_a_sentence_what_the_role_lets_one_do(exporter_a, django_capture_on_commit_callbacks):
    from django.core import mail

    admin = signed_in(exporter_a.username)
    token = _invite(admin, "piet@company-a.example", "preparer", django_capture_on_commit_callbacks)
    assert "U bent uitgenodigd als opsteller: u stelt aanvragen op en beantwoordt de vragen van de vergunningverlener." in mail.outbox[-1].body  # mailed in Dutch
    english_page = english().get(f"/invitations/{token}/").content.decode()
    assert "You are invited as a preparer: you draft applications and answer the licensing office&#x27;s questions." in english_page
    assert "Your account will be for piet@company-a.example." in english_page and "Preparer:" not in english_page
    dutch_page = Client(HTTP_ACCEPT_LANGUAGE="nl").get(f"/invitations/{token}/").content.decode()
    assert "U bent uitgenodigd als opsteller: u stelt aanvragen op en beantwoordt de vragen van de vergunningverlener." in dutch_page
    assert "Uw account wordt voor piet@company-a.example." in dutch_page
