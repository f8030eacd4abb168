"""The holder hears by e-mail, in each person's language, when the office (or the calendar) changes its licence or
registration: suspended, reinstated, revoked, extended, replaced, expired; once per change, with the office's reason."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from licensing.audit.models import Event
from licensing.licences.lifecycle import licences_expire
from licensing.licences.models import Licence
from licensing.licences.notifications import change_notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LATER = (timezone.localdate() + timedelta(days=800)).isoformat()  # after the two years a licence is issued for


@pytest.fixture
def holder(exporter_a):
    """The exporter of company A, with an e-mail address and no language of its own: its organisation's (Dutch)."""
    exporter_a.email = "export@company-a.example"
    exporter_a.save(update_fields=["email"])
    return exporter_a


@pytest.fixture
def office_does(api_as, officer, django_capture_on_commit_callbacks):
    """office_does(path, data) -> the response; the mail tasks queued on commit run in process."""

    def post(path, data):
        with django_capture_on_commit_callbacks(execute=True):
            return api_as(officer).post(f"/api/v1/{path}", data, format="json")

    return post


@pytest.mark.parametrize(
    ("path", "data", "subject", "says"),
    [
        ("move", {"move": "suspend", "reason": "Onderzoek naar de eindgebruiker."}, "Vergunning {n} geschorst", "Onderzoek naar de eindgebruiker."),
        ("move", {"move": "revoke", "reason": "Wapenembargo."}, "Vergunning {n} ingetrokken", "Wapenembargo."),
        ("extend", {"valid_to": LATER, "reason": "Vertraagde levering."}, "Vergunning {n} verlengd", "Vertraagde levering."),
        ("replace", {"value_eur": "200000.00", "reason": "Hogere waarde."}, "Vergunning {n} vervangen door {n}-R1", "Hogere waarde."),
    ],
    ids=["suspend", "revoke", "extend", "replace"],
)
def test_each_change_by_the_office_is_mailed_once_in_dutch_with_its_reason(holder, issued, office_does, path, data, subject, says):
    licence = issued(holder)
    assert office_does(f"licences/{licence.pk}/{path}/", data).status_code in (200, 201)
    (message,) = mail.outbox
    assert message.to == ["export@company-a.example"]
    assert message.subject == subject.format(n=licence.number)
    assert "De CDIU heeft" in message.body and "De reden van de CDIU:" in message.body and says in message.body


def test_a_reinstatement_is_mailed_too(holder, issued, office_does):
    licence = issued(holder)
    office_does(f"licences/{licence.pk}/move/", {"move": "suspend", "reason": "Onderzoek."})
    assert office_does(f"licences/{licence.pk}/move/", {"move": "reinstate"}).json()["status"] == "active"
    assert [m.subject for m in mail.outbox] == [f"Vergunning {licence.number} geschorst", f"Vergunning {licence.number} weer geldig"]


def test_a_person_who_chose_english_reads_it_in_english(holder, issued, office_does):
    UserFactory(username="colleague", organisation=holder.organisation, email="colleague@company-a.example", language="en")
    licence = issued(holder)
    office_does(f"licences/{licence.pk}/move/", {"move": "suspend", "reason": "End-user check."})
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address["colleague@company-a.example"]
    assert english.subject == f"Licence {licence.number} suspended"
    assert "The licensing office has suspended your licence" in english.body and "End-user check." in english.body
    assert by_address["export@company-a.example"].subject == f"Vergunning {licence.number} geschorst"


def test_nothing_is_mailed_when_the_move_is_refused_or_the_holder_made_it(api_as, holder, issued, office_does, django_capture_on_commit_callbacks):
    licence = issued(holder)
    assert office_does(f"licences/{licence.pk}/move/", {"move": "suspend"}).status_code == 400  # no reason
    assert office_does(f"licences/{licence.pk}/move/", {"move": "reinstate"}).status_code == 409  # not suspended
    assert office_does(f"licences/{licence.pk}/extend/", {"valid_to": licence.valid_to.isoformat()}).status_code == 400  # not later
    with django_capture_on_commit_callbacks(execute=True):
        assert api_as(holder).post(f"/api/v1/licences/{licence.pk}/move/", {"move": "surrender"}, format="json").status_code == 200
    assert office_does(f"licences/{licence.pk}/move/", {"move": "revoke", "reason": "Too late."}).status_code == 409
    assert mail.outbox == []


def test_a_retried_task_sends_nothing_twice(holder, issued, office_does):
    licence = issued(holder)
    office_does(f"licences/{licence.pk}/move/", {"move": "revoke", "reason": "Wapenembargo."})
    revoked = Event.objects.get(verb="licence.revoke", target_id=str(licence.pk))
    assert change_notify(event_id=revoked.pk) == 0
    assert len(mail.outbox) == 1
    assert Event.objects.filter(verb="licence.notified", target_id=str(licence.pk), payload__event=revoked.pk).count() == 1


def test_the_holder_is_told_when_the_daily_task_expires_its_licence(holder, issued, django_capture_on_commit_callbacks):
    licence = issued(holder)
    Licence.objects.filter(pk=licence.pk).update(valid_to=timezone.localdate() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert licences_expire() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert licences_expire() == 0
    (message,) = mail.outbox
    assert message.subject == f"Vergunning {licence.number} verlopen"
    assert "De CDIU heeft" not in message.body and "reden" not in message.body  # nobody decided it: no reason to give


def test_a_revoked_registration_is_mailed_with_the_reason(holder, registered, office_does):
    registration = registered(holder, "NL008")
    assert office_does(f"registrations/{registration.pk}/revoke/", {"reason": "Voorwaarden niet nageleefd."}).status_code == 200
    (message,) = mail.outbox
    assert message.subject == f"Registratie {registration.number} ingetrokken"
    assert "algemene vergunning NL008" in message.body and "Voorwaarden niet nageleefd." in message.body
