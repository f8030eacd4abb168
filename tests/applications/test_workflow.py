"""The workflow table: every (status, action) pair is either an allowed move or a clear refusal."""
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from licensing.applications.management.commands.workflow_diagram import DOC, workflow_document
from licensing.applications.models import Application, Question, Status
from licensing.applications.workflow import MOVES, Action, application_move, move_for
from licensing.audit.models import Event
from licensing.audit.transitions import importing
from licensing.core.errors import Conflict, DomainError, NotAllowed, NotFound

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def english():
    """The refusals are read in English: run alone, the module read them in Dutch (the site's default) and failed; in
    the whole run an earlier test's language had carried over."""
    from django.utils import translation

    with translation.override("en"):
        yield


ACTOR_FOR_ROLE = {"exporter": "exporter_a", "officer": "officer", "advisor": "advisor", "administrator": "administrator", "system": None}


@pytest.fixture
def application(exporter_a):
    from licensing.applications.services import reference_next

    return Application.objects.create(reference=reference_next(), organisation=exporter_a.organisation, created_by=exporter_a, kind="individual")


def force_status(application, status):
    # Test set-up only: put the application in a state without walking the whole path.
    with importing():
        Application.objects.filter(pk=application.pk).update(status=status, handler="licensing_office")
    application.refresh_from_db()


def test_the_generated_diagram_is_up_to_date():
    assert DOC.read_text() == workflow_document(), "run `python manage.py workflow_diagram`"


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", [a for a in Action.values if a not in ("submit", "answer_question", "ask_question")])
def test_every_status_and_action(request, application, status, action):
    force_status(application, status)
    move = move_for(status, action)
    if move is None:
        role = "officer" if action not in ("withdraw", "supersede") else "exporter"
        actor = request.getfixturevalue(ACTOR_FOR_ROLE[role])
        with pytest.raises(Conflict):
            application_move(application=application, action=action, actor=actor)
        assert Application.objects.get(pk=application.pk).status == status
        return
    role = sorted(move.roles)[0]
    actor = request.getfixturevalue(ACTOR_FOR_ROLE[role]) if ACTOR_FOR_ROLE[role] else None
    try:
        application_move(application=application, action=action, actor=actor, reason="test")
    except DomainError as refusal:  # a guard (e.g. the wrong kind for this decision) said no, with a reason
        assert refusal.code == "not_allowed_now" and refusal.message
        assert Application.objects.get(pk=application.pk).status == status
        return
    assert Application.objects.get(pk=application.pk).status == (move.target or status)
    event = Event.objects.get(verb=f"application.{action}")
    assert (event.from_state, event.to_state, event.reason) == (status, move.target or status, "test")


@pytest.mark.parametrize("move", MOVES, ids=lambda m: m.action)
def test_roles_outside_the_allow_list_are_refused(request, application, move):
    force_status(application, sorted(move.sources)[0])
    for role, fixture in ACTOR_FOR_ROLE.items():
        if role in move.roles or fixture is None:
            continue
        with pytest.raises(NotAllowed):
            application_move(application=application, action=move.action, actor=request.getfixturevalue(fixture))


def test_exporter_of_another_organisation_is_told_not_found(application, exporter_b):
    force_status(application, Status.IN_REVIEW)
    with pytest.raises(NotFound):
        application_move(application=application, action=Action.WITHDRAW, actor=exporter_b)


def test_stale_second_move_gets_a_conflict(application, exporter_a, officer):
    force_status(application, Status.IN_REVIEW)
    stale = Application.objects.get(pk=application.pk)
    application_move(application=application, action=Action.WITHDRAW, actor=exporter_a)
    with pytest.raises(Conflict):
        application_move(application=stale, action=Action.ISSUE, actor=officer)
    assert Application.objects.get(pk=application.pk).status == Status.WITHDRAWN
    assert Event.objects.filter(verb__in=["application.withdraw", "application.issue"]).count() == 1


def test_ministry_case_cannot_be_decided_by_the_office_alone(application, officer):
    force_status(application, Status.IN_REVIEW)
    Application.objects.filter(pk=application.pk).update(handler="ministry")
    application.refresh_from_db()
    with pytest.raises(DomainError, match="referred to the ministry"):
        application_move(application=application, action=Action.ISSUE, actor=officer)


def test_no_decision_while_a_question_is_open(application, officer):
    force_status(application, Status.IN_REVIEW)
    Question.objects.create(application=application, asked_by=officer, text="?")
    with pytest.raises(DomainError, match="open question"):
        application_move(application=application, action=Action.ISSUE, actor=officer)


@pytest.mark.django_db(transaction=True)
def test_decision_racing_a_withdrawal_has_exactly_one_winner(reference_db):
    """Two real database connections move the same application at the same moment."""
    from tests.factories import UserFactory

    exporter = UserFactory()
    officer = UserFactory(role="officer", organisation=None)
    from licensing.applications.services import reference_next

    application = Application.objects.create(
        reference=reference_next(), organisation=exporter.organisation, created_by=exporter, kind="individual", status=Status.IN_REVIEW, handler="licensing_office"
    )
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is proven on PostgreSQL in CI")
    barrier = threading.Barrier(2)
    outcomes = {}

    def attempt(name, action, actor):
        from django.db import connections

        try:
            stale = Application.objects.get(pk=application.pk)
            barrier.wait()
            application_move(application=stale, action=action, actor=actor)
            outcomes[name] = "won"
        except Conflict:
            outcomes[name] = "conflict"
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=("withdraw", Action.WITHDRAW, exporter)),
        threading.Thread(target=attempt, args=("issue", Action.ISSUE, officer)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes.values()) == ["conflict", "won"]
    final = Application.objects.get(pk=application.pk).status
    assert final == (Status.WITHDRAWN if outcomes["withdraw"] == "won" else Status.ISSUED)
    assert Event.objects.filter(verb__in=["application.withdraw", "application.issue"]).count() == 1


def test_open_statuses_are_those_the_workflow_moves_out_of_after_submission():
    """"Open statuses" were written out in four places (issue 16.2); workflow.OPEN is the one definition, and it is
    exactly the statuses some move leaves, a draft apart and the decisions on objection apart (a decided case is
    decided anew only while an objection is in handling): a new status or move cannot leave it stale."""
    from licensing.applications.workflow import MOVES, ON_OBJECTION_MOVES, OPEN
    from licensing.screening.selectors import OPEN_STATUSES

    left_by_a_move = {source for move in MOVES if move.target is not None and move not in ON_OBJECTION_MOVES for source in move.sources} - {Status.DRAFT}
    assert OPEN == left_by_a_move
    assert set(OPEN_STATUSES) == OPEN


@pytest.mark.parametrize(
    "questions",
    [
        [],
        [("answered", 5)],
        [("open", 5)],  # open, answer by in five days
        [("open", -1)],  # open, its date passed
        [("open", None), ("answered", -3)],  # open without a date
        [("answered", -2), ("open", -1), ("open", 3)],
    ],
)
def test_the_question_guards_read_the_case_s_questions_as_the_database_does(application, officer, questions):
    """The case page's guards read the questions its query prefetched; a move's guard reads its locked row: the two
    must say the same (workflow._open_question)."""
    from datetime import timedelta

    from django.db.models import prefetch_related_objects
    from django.utils import timezone

    from licensing.applications.workflow import _open_question

    today = timezone.localdate()
    for state, days in questions:
        Question.objects.create(
            application=application, asked_by=officer, text="?", due_on=None if days is None else today + timedelta(days=days),
            **({"answer": "!", "answered_at": timezone.now()} if state == "answered" else {}),
        )
    fresh = Application.objects.get(pk=application.pk)
    prefetched = Application.objects.get(pk=application.pk)
    prefetch_related_objects([prefetched], "questions")
    for overdue in (False, True):
        with CaptureQueriesContext(connection) as ctx:
            from_prefetch = _open_question(prefetched, overdue=overdue)
        assert len(ctx.captured_queries) == 0
        assert from_prefetch == _open_question(fresh, overdue=overdue)
    assert _open_question(fresh) == any(state == "open" for state, _ in questions)
