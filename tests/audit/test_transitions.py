"""The one transition mechanism (licensing/audit/transitions.py): statuses of case objects change only through a
machine's moves, and cannot be written around it."""
import pytest

from licensing.applications.models import Application, Status
from licensing.applications.services import reference_next
from licensing.applications.workflow import MACHINE, Action, application_move
from licensing.audit.models import Event
from licensing.audit.transitions import MACHINES, StatusWriteRefused, importing, machine_of, move

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(exporter_a):
    return Application.objects.create(reference=reference_next(), organisation=exporter_a.organisation, created_by=exporter_a, kind="individual")


def test_an_application_is_created_with_its_initial_status_but_its_status_is_then_written_only_by_moves(application, exporter_a):
    with pytest.raises(StatusWriteRefused):
        Application.objects.filter(pk=application.pk).update(status=Status.ISSUED)
    with pytest.raises(StatusWriteRefused):
        Application.objects.bulk_update([application], ["status"])
    application.status = Status.ISSUED
    with pytest.raises(StatusWriteRefused):
        application.save()
    application.refresh_from_db()
    with pytest.raises(StatusWriteRefused):
        application.save(update_fields=["status", "title"])
    assert Application.objects.get(pk=application.pk).status == Status.DRAFT
    application.title = "Other fields save as before"
    application.save()
    assert Application.objects.get(pk=application.pk).title == "Other fields save as before"


def test_a_stale_copy_saved_after_a_move_does_not_put_the_old_status_back(application, exporter_a):
    stale = Application.objects.get(pk=application.pk)
    with importing():
        Application.objects.filter(pk=application.pk).update(status=Status.IN_REVIEW)
    fresh = Application.objects.get(pk=application.pk)
    application_move(application=fresh, action=Action.WITHDRAW, actor=exporter_a, reason="No longer needed.")
    stale.title = "Edited in another tab"
    stale.save()
    saved = Application.objects.get(pk=application.pk)
    assert (saved.status, saved.title) == (Status.WITHDRAWN, "Edited in another tab")
    fresh.title = "After the move"
    fresh.save()  # the mover's own copy knows the new status: saving it is not a status write
    assert Application.objects.get(pk=application.pk).status == Status.WITHDRAWN


def test_the_generic_move_finds_the_objects_machine_and_records_one_event(application, exporter_a):
    assert machine_of(application) is MACHINE is MACHINES["application"]
    with importing():
        Application.objects.filter(pk=application.pk).update(status=Status.IN_REVIEW)
    application.refresh_from_db()
    move(application, Action.WITHDRAW, exporter_a, reason="Plans changed.")
    event = Event.objects.get(verb="application.withdraw")
    assert (event.from_state, event.to_state, event.reason, event.target_id) == (Status.IN_REVIEW, Status.WITHDRAWN, "Plans changed.", str(application.pk))
    assert Application.objects.get(pk=application.pk).status == Status.WITHDRAWN


def test_importing_is_the_one_way_around_the_guard_and_ends_with_its_block(application):
    with importing():
        Application.objects.filter(pk=application.pk).update(status=Status.ISSUED)
    with pytest.raises(StatusWriteRefused):
        Application.objects.filter(pk=application.pk).update(status=Status.DRAFT)
    assert Application.objects.get(pk=application.pk).status == Status.ISSUED
