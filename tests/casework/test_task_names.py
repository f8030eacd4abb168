"""The routing tasks moved from licensing.applications to licensing.casework; messages already on the queue and the
beat schedule name them, so a worker must still find them under their old names."""
from django.conf import settings

from config.celery import app
from licensing.casework import tasks


def test_queued_routing_messages_and_the_beat_schedule_still_find_their_tasks():
    app.loader.import_default_modules()  # what a worker does at start: autodiscover every app's tasks
    assert tasks.application_route.name == "applications.route"
    assert tasks.route_pending.name == "applications.route_pending"
    assert app.tasks["applications.route"].__module__ == app.tasks["applications.route_pending"].__module__ == "licensing.casework.tasks"
    assert app.tasks["applications.question_notify"].name == "applications.question_notify"
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry
