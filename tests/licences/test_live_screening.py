"""Live licences follow the lists: a re-screen after a list import covers the active licences and registrations in
the same run; the office lists those affected with the hit and suspends them in bulk, each holder getting its letter
through the outbox."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from licensing.core.models import OutboxMessage
from licensing.licences import live_screening
from licensing.licences.models import Decision, Licence, LicenceStatus, LiveHit, LiveHitStatus, Outcome
from licensing.screening.importers import FORMATS
from licensing.screening.models import RunStatus, ScreeningRun
from licensing.screening.rescreen import list_import_file
from tests.factories import PASSWORD, application_payload

pytestmark = pytest.mark.django_db

EU_SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "screening" / "eu_sample.xml"
EU_UPDATE = Path(settings.BASE_DIR) / "fixtures" / "screening" / "eu_sample_update.xml"
LISTED = "Sirius General Trading FZE"  # in the update of the EU list, not in the sample before it


@pytest.fixture
def import_list(django_capture_on_commit_callbacks):
    """import_list(path) -> the run, imported in process with its re-screens (applications and live licences) eagerly."""

    def run(path: Path) -> ScreeningRun:
        with django_capture_on_commit_callbacks(execute=True):
            result = list_import_file(source=FORMATS["eu-xml"], content=path.read_bytes(), file_name=path.name)
        result.refresh_from_db()
        return result

    return run


def with_consignee(name: str, country: str = "NO") -> dict:
    payload = application_payload()
    payload["parties"] = [dict(payload["parties"][0], name=name, country=country), *payload["parties"][1:]]
    return payload


@pytest.fixture
def with_email(exporter_a, exporter_b):
    for user, address in ((exporter_a, "export@company-a.example"), (exporter_b, "export@company-b.example")):
        user.email = address
        user.save(update_fields=["email"])
    return exporter_a, exporter_b


def test_a_list_import_lists_an_active_licence_whose_consignee_was_just_listed_in_the_same_run(api_as, officer, issued, exporter_a, import_list):
    listed = issued(exporter_a, **with_consignee(LISTED))
    clean = issued(exporter_a)
    import_list(EU_SAMPLE)
    assert not LiveHit.objects.exists()  # not listed yet

    run = import_list(EU_UPDATE)

    assert run.status == RunStatus.DONE
    hit = LiveHit.objects.get()
    assert (hit.licence, hit.run_id, hit.party_role, hit.party_name, hit.source, hit.status) == (listed, run.pk, "consignee", LISTED, "eu", LiveHitStatus.OPEN)
    assert hit.score >= 0.85 and hit.entry_name == LISTED
    listing = api_as(officer).get("/api/v1/office/live-hits/").json()
    assert [(r["licence"], r["licence_id"], r["party_name"], r["entry_reference"]) for r in listing["results"]] == [(listed.number, listed.pk, LISTED, hit.entry_reference)]
    assert api_as(officer).get("/api/v1/office/live-hits/", {"run": run.pk}).json()["count"] == 1
    assert clean.live_hits.count() == 0


def test_a_second_run_with_the_same_entry_lists_the_hit_once(issued, exporter_a, import_list):
    issued(exporter_a, **with_consignee(LISTED))
    import_list(EU_UPDATE)
    live_screening.rescreen_live(run_id=None, licence_ids=list(Licence.objects.values_list("pk", flat=True)))

    assert LiveHit.objects.count() == 1


def test_an_imported_licence_is_screened_by_the_names_it_carries_and_a_registration_by_its_holder(org_a, exporter_a, registered, import_list):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    decision = Decision.objects.create(reference="OLD-1", source="import", outcome=Outcome.ISSUED, decided_on=today, goods_kind="military", licence_kind="individual", movement="export")
    imported = Licence.objects.create(
        number="OLD-1", decision=decision, holder=None, holder_name="Previous system's holder", kind="individual", goods_kind="military", movement="export",
        valid_from=today - timedelta(days=10), valid_to=today + timedelta(days=300), value_eur=1000, end_user=LISTED,
    )
    registration = registered(exporter_a, "NL008")
    org_a.name = LISTED
    org_a.save(update_fields=["name"])

    import_list(EU_UPDATE)

    assert set(LiveHit.objects.values_list("licence_id", "registration_id", "party_role")) == {(imported.pk, None, "end_user"), (None, registration.pk, "holder")}


def test_a_bulk_suspension_suspends_each_licence_and_sends_each_holder_its_letter_through_the_outbox(
    api_as, officer, issued, exporter_a, exporter_b, with_email, import_list, django_capture_on_commit_callbacks
):
    of_a, of_b = issued(exporter_a, **with_consignee(LISTED)), issued(exporter_b, **with_consignee(LISTED))
    untouched = issued(exporter_a)
    import_list(EU_UPDATE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(officer).post(
            "/api/v1/office/live-hits/suspend/", {"licences": [of_a.pk, of_b.pk, untouched.pk], "reason": "Consignee listed under EU sanctions."}, format="json"
        )

    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body["suspended"]) == sorted([of_a.number, of_b.number])
    assert body["refused"] == [{"licence": untouched.number, "reason": "No open hit on this licence."}]
    for licence in (of_a, of_b):
        licence.refresh_from_db()
        assert (licence.status, licence.status_reason) == (LicenceStatus.SUSPENDED, "Consignee listed under EU sanctions.")
    untouched.refresh_from_db()
    assert untouched.status == LicenceStatus.ACTIVE
    assert OutboxMessage.objects.filter(kind="licences.change_notify", sent_at__isnull=False).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["export@company-a.example", "export@company-b.example"]
    assert all("Consignee listed under EU sanctions." in m.body for m in mail.outbox)
    assert set(LiveHit.objects.values_list("status", flat=True)) == {LiveHitStatus.SUSPENDED}
    assert api_as(officer).get("/api/v1/office/live-hits/").json()["count"] == 0
    # A retry suspends nothing twice and says why.
    again = api_as(officer).post("/api/v1/office/live-hits/suspend/", {"licences": [of_a.pk], "reason": "again"}, format="json").json()
    assert again == {"suspended": [], "refused": [{"licence": of_a.number, "reason": "No open hit on this licence."}]}


@pytest.mark.parametrize(
    "body, field",
    [({"licences": [], "reason": "x"}, "licences"), ({"licences": [1], "reason": "  "}, "reason"), ({"licences": list(range(1, 502)), "reason": "x"}, "licences")],
)
def test_a_bulk_suspension_needs_licences_and_a_reason(api_as, officer, body, field):
    response = api_as(officer).post("/api/v1/office/live-hits/suspend/", body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.content


def test_a_false_alarm_is_dismissed_with_a_reason_and_the_advisor_reads_but_does_not_act(api_as, officer, advisor, issued, exporter_a, import_list):
    issued(exporter_a, **with_consignee(LISTED))
    import_list(EU_UPDATE)
    hit = LiveHit.objects.get()

    assert api_as(advisor).get("/api/v1/office/live-hits/").json()["count"] == 1
    assert api_as(advisor).post(f"/api/v1/office/live-hits/{hit.pk}/dismiss/", {"note": "x"}, format="json").status_code == 403
    assert api_as(exporter_a).get("/api/v1/office/live-hits/").status_code == 403
    dismissed = api_as(officer).post(f"/api/v1/office/live-hits/{hit.pk}/dismiss/", {"note": "Another Sirius, in Oslo."}, format="json")
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    assert api_as(officer).post(f"/api/v1/office/live-hits/{hit.pk}/dismiss/", {"note": "again"}, format="json").status_code == 409
    assert api_as(officer).post("/api/v1/office/live-hits/999999/dismiss/", {"note": "x"}, format="json").status_code == 404


def test_the_list_runs_a_constant_number_of_queries(api_as, officer, issued, exporter_a, import_list, django_assert_max_num_queries):
    licence = issued(exporter_a, **with_consignee(LISTED))
    import_list(EU_UPDATE)
    hit = LiveHit.objects.get()
    for i in range(20):
        LiveHit.objects.create(**{f.attname: getattr(hit, f.attname) for f in LiveHit._meta.concrete_fields if not f.primary_key} | {"entry_hash": f"other-{i}"})

    with django_assert_max_num_queries(12):
        listing = api_as(officer).get("/api/v1/office/live-hits/")

    assert listing.json()["count"] == 21 and licence.live_hits.count() == 21


def test_the_office_page_lists_the_hits_and_suspends_the_chosen_licences(officer, issued, exporter_a, import_list, django_capture_on_commit_callbacks):
    licence = issued(exporter_a, **with_consignee(LISTED))
    import_list(EU_UPDATE)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=officer.username, password=PASSWORD)

    page = client.get("/office/live-hits/").content.decode()
    dutch = Client(HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch.login(username=officer.username, password=PASSWORD)

    assert licence.number in page and LISTED in page and "Suspend the chosen licences" in page
    assert "Vergunningen op een lijst" in dutch.get("/office/live-hits/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/office/live-hits/suspend/", {"licences": [licence.pk], "reason": "Listed consignee."}, follow=True).content.decode()
    assert f"Suspended, with a letter to each holder: {licence.number}." in done
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.SUSPENDED


def test_a_registration_whose_holder_is_listed_is_suspended_in_bulk_then_reinstated_or_revoked(
    api_as, officer, org_a, exporter_a, with_email, registered, import_list, django_capture_on_commit_callbacks
):
    """A registration for a general licence follows the lists as a licence does: its holder listed, the office
    suspends it from the same list (a letter to the holder), Customs refuses it while suspended, and the office
    reinstates or revokes it."""
    from django.utils import timezone

    from licensing.core.errors import Conflict
    from licensing.customs.services import _refuse_unless_registration_usable
    from licensing.licences.models import Registration, RegistrationStatus

    registration = registered(exporter_a, "NL008")
    org_a.name = LISTED
    org_a.save(update_fields=["name"])
    import_list(EU_UPDATE)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(officer).post("/api/v1/office/live-hits/suspend/", {"registrations": [registration.pk], "reason": "Holder listed under EU sanctions."}, format="json")

    assert response.json() == {"suspended": [registration.number], "refused": []}
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUSPENDED
    assert [m.subject for m in mail.outbox] == [f"Registratie {registration.number} geschorst"]  # the holder's language
    assert "Holder listed under EU sanctions." in mail.outbox[0].body
    with pytest.raises(Conflict, match="suspended"):  # not usable at the border
        _refuse_unless_registration_usable(registration, destination="NO", exported_on=timezone.localdate())
    assert api_as(officer).get("/api/v1/office/live-hits/").json()["count"] == 0

    client = api_as(officer)
    assert client.post(f"/api/v1/registrations/{registration.pk}/move/", {"move": "suspend", "reason": "again"}, format="json").status_code == 409
    assert client.post(f"/api/v1/registrations/{registration.pk}/move/", {"move": "reinstate"}, format="json").json()["status"] == "active"
    assert client.post(f"/api/v1/registrations/{registration.pk}/move/", {"move": "suspend"}, format="json").status_code == 400  # a reason
    client.post(f"/api/v1/registrations/{registration.pk}/move/", {"move": "suspend", "reason": "Under investigation."}, format="json")
    revoked = client.post(f"/api/v1/registrations/{registration.pk}/move/", {"move": "revoke", "reason": "Confirmed."}, format="json")
    assert revoked.json()["status"] == "revoked"
    assert api_as(exporter_a).post(f"/api/v1/registrations/{registration.pk}/move/", {"move": "reinstate"}, format="json").status_code == 403
    assert Registration.objects.get(pk=registration.pk).revoked_reason == "Confirmed."
