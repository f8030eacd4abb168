import pytest

from licensing.audit.models import AppendOnlyError, Event
from licensing.audit.services import event_record


@pytest.mark.django_db
def test_event_records_actor_verb_target_and_payload(exporter_a, org_a):
    event = event_record(actor=exporter_a, verb="organisation.updated", target=org_a, from_state="a", to_state="b", reason="why", payload={"k": 1})
    stored = Event.objects.get(pk=event.pk)
    assert (stored.actor, stored.verb, stored.target_type, stored.target_id) == (exporter_a, "organisation.updated", "accounts.organisation", str(org_a.pk))
    assert (stored.from_state, stored.to_state, stored.reason, stored.payload) == ("a", "b", "why", {"k": 1})
    assert stored.at is not None


@pytest.mark.django_db
def test_events_cannot_be_changed_or_deleted(org_a):
    event = event_record(actor=None, verb="x", target=org_a)
    event.verb = "y"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(verb="y")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.get(pk=event.pk).verb == "x"
