"""Shared fixtures: reference data loaded once per test database, and the personas every test talks about."""
import contextlib

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once into the test database; tests roll back around it."""
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)


def skip_unless(condition: bool, reason: str) -> None:
    """Skip with the reason on the embedded default; in CI (CI_REQUIRE_INTEGRATION) a skip is a failure."""
    import os

    if condition:
        return
    if os.environ.get("CI_REQUIRE_INTEGRATION"):
        pytest.fail(f"CI_REQUIRE_INTEGRATION is set but {reason}")
    pytest.skip(reason)


@contextlib.contextmanager
def tasks_in_process():
    """Celery tasks run in the calling process for the duration (even with REDIS_URL set)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def eager_tasks_unless_integration(request):
    """Unit tests run tasks in process even when REDIS_URL is set; integration tests use the live worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    with tasks_in_process():
        yield


@pytest.fixture
def reference_db(transactional_db):
    """A committed database with reference data, for tests whose work crosses processes (a live worker).

    pytest-django runs transactional tests after the others and empties the tables after each, so the
    reference data is loaded again for every such test.
    """
    call_command("load_reference", verbosity=0)


def _database_url(settings_dict) -> str:
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def live_worker(django_db_setup):
    """A real Celery worker process on the real broker, reading the test database.

    Skipped on the embedded default (no REDIS_URL). Uses its own queue so that no other worker on the
    machine takes the test's tasks. What it mails is written to files in `worker.mail_dir` (one directory per
    worker), which `worker_mail` reads as the recipient would.
    """
    import os
    import subprocess
    import sys
    import uuid

    from django.conf import settings
    from django.db import connection

    from config.celery import app

    skip_unless(not settings.CELERY_TASK_ALWAYS_EAGER, "integration test: needs REDIS_URL and PostgreSQL (see README, production shape)")
    skip_unless(connection.vendor == "postgresql", "integration test: needs PostgreSQL (the worker must share the test database)")

    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = os.path.join(settings.BASE_DIR, "artifacts", "mail", queue)
    os.makedirs(mail_dir, exist_ok=True)
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        DATABASE_URL=_database_url(connection.settings_dict),
        CELERY_TASK_DEFAULT_QUEUE=queue,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=mail_dir,
    )
    log_path = os.path.join(settings.BASE_DIR, "artifacts", "celery-worker.log")
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    log = open(log_path, "ab")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h", "--loglevel=INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker.mail_dir = mail_dir
    previous_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        from licensing.core.tasks import ping

        ping.delay("ready").get(timeout=60)
        yield worker
    finally:
        app.conf.task_default_queue = previous_queue
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()


def worker_mail(worker, *, to: str, timeout: float = 60) -> list:
    """The messages the live worker has sent to this address so far (email.message.EmailMessage, oldest first),
    waiting until there is at least one."""
    import email
    import email.policy
    from pathlib import Path

    from tests.polling import wait_for

    def found():
        messages = []
        for path in sorted(Path(worker.mail_dir).glob("*.log"), key=lambda p: p.stat().st_mtime):
            # The file backend writes each message followed by a line of 79 dashes: what follows the last such line
            # is nothing, or a message still being written.
            for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")[:-1]:
                if raw.strip():
                    message = email.message_from_bytes(raw.lstrip(), policy=email.policy.default)
                    if to in (message["To"] or ""):
                        messages.append(message)
        return messages

    return wait_for(found, timeout=timeout, what=f"the live worker's mail to {to}")


# --- Personas: exporter of company A, exporter of company B, two officers, two advisors, an administrator.
@pytest.fixture
def org_a(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Company A B.V.")


@pytest.fixture
def org_b(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Company B B.V.")


@pytest.fixture
def exporter_a(org_a):
    from tests.factories import UserFactory

    return UserFactory(username="exporter_a", organisation=org_a)


@pytest.fixture
def exporter_b(org_b):
    from tests.factories import UserFactory

    return UserFactory(username="exporter_b", organisation=org_b)


def _official(username, role):
    from tests.factories import UserFactory

    return UserFactory(username=username, role=role, organisation=None)


@pytest.fixture
def officer(db):
    return _official("officer1", "officer")


@pytest.fixture
def officer2(db):
    return _official("officer2", "officer")


@pytest.fixture
def advisor(db):
    return _official("advisor1", "advisor")


@pytest.fixture
def advisor2(db):
    return _official("advisor2", "advisor")


@pytest.fixture
def administrator(db):
    return _official("admin1", "administrator")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api_as(db):
    """api_as(user) -> a new API client authenticated with that user's token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def login(user):
        token, _ = Token.objects.get_or_create(user=user)
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")  # API messages follow Accept-Language; the tests read English
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return login


@pytest.fixture
def countersigned(api_as, officer2):
    """Four eyes at the office: a decision posted to the office's API that needs a second officer (a denial, a licence
    above OFFICE_COUNTERSIGN_ABOVE_EUR, any decision on a flagged case) answers 202 with the proposal.
    countersigned(response) checks that, has officer2 (or `by`) countersign it, and returns the decision now in effect
    (the body a decision taken alone answers with 201)."""

    def countersign(response, *, by=None) -> dict:
        assert response.status_code == 202, response.json()
        proposal = response.json()
        signed = api_as(by or officer2).post(
            f"/api/v1/office/applications/{proposal['application']}/decision/countersign/", {"proposal": proposal["id"], "agree": True}, format="json"
        )
        assert signed.status_code == 200, signed.json()
        return signed.json()["decision"]

    return countersign


@pytest.fixture
def submit(db):
    """submit(exporter, **overrides) -> a complete application with an end-user certificate, submitted and routed
    (tests.factories.application_submitted)."""
    from tests.factories import application_submitted

    return application_submitted
