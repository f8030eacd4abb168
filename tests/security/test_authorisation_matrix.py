"""
The authorisation matrix: every URL pattern of the root URLconf, every method its view accepts, each of ten
roles (exporter of organisation A, exporter of organisation B, officer, advisor, administrator, customs, the Ministry of
Defence's advisor standing for the other bodies asked for advice, anonymous, and an agent of another firm acting for
organisation A and, the same person, acting for organisation C),
against the expected-access table in tests/security/access.py.

The patterns are read from the URL configuration, so a new endpoint or page without an entry in the table fails
here. Organisation A's objects are made once for the module (a ministry case decided into a licence, with its
documents, screening hit, consultation, registration and usage report); each request runs in its own savepoint,
so an allowed write is rolled back before the next request, and a refused write must leave the database as it
was. Django's own admin (/admin/) is outside the table: only staff get in.
"""
import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from licensing.customs.mrn import check_character
from tests.factories import SAUDI, OrganisationFactory, UserFactory, application_payload, pdf_upload

from .access import (
    ACCESS, ACTS_AS, ADMINISTRATOR, ADVISOR, AGENT_FOR_A, AGENT_FOR_C, ANONYMOUS, CUSTOMS, DEFENCE, EXPORTER_A, EXPORTER_B, OFFICER, ROLES, SAME_ACTION, Entry,
)

API_PREFIX = "api/"


# --- the URL configuration ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    name: str
    route: str
    params: tuple[str, ...]
    callback: object

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIX)


def _params(pattern) -> list[str]:
    return list(pattern.regex.groupindex)  # a route's <int:pk> is a named group of its regex too


def _walk(patterns, prefix="", namespace=None, params=()):
    for p in patterns:
        here = (*params, *_params(p.pattern))
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns, here)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield Route(name=name or f"<unnamed {prefix}{p.pattern}>", route=prefix + str(p.pattern), params=here, callback=p.callback)


def _is_admin(route: Route) -> bool:
    return route.route.startswith("admin/")


ROUTES = [r for r in _walk(get_resolver().url_patterns) if not _is_admin(r)]
ROUTES_BY_NAME = {r.name: r for r in ROUTES}


def _decorated(view):
    """The view and every function its decorators close over, outermost first."""
    seen, todo = set(), [view]
    while todo:
        func = todo.pop(0)
        if id(func) in seen or not callable(func):
            continue
        seen.add(id(func))
        yield func
        code, cells = getattr(func, "__code__", None), getattr(func, "__closure__", None) or ()
        if code is not None:
            todo.extend(c.cell_contents for c in cells if callable(c.cell_contents))
        if hasattr(func, "__wrapped__"):
            todo.append(func.__wrapped__)


def view_methods(route: Route) -> set[str]:
    """The methods the resolved view answers (other than HEAD and OPTIONS)."""
    for func in _decorated(route.callback):
        actions = getattr(func, "actions", None)
        if actions:  # a DRF viewset route: its method -> action map
            return {m.upper() for m in actions} - {"HEAD", "OPTIONS"}
        view_class = getattr(func, "cls", None) or getattr(func, "view_class", None)
        if view_class is not None:
            return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)} - {"HEAD", "OPTIONS"}
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:  # require_http_methods, require_POST, ...
            cells = dict(zip(code.co_freevars, func.__closure__))
            return {m.upper() for m in cells["request_method_list"].cell_contents} - {"HEAD", "OPTIONS"}
    # An unrestricted function view takes whatever a browser sends it: GET and POST.
    return {"GET", "POST"}


# --- the table against the URL configuration ------------------------------------------------------------------
def test_every_url_pattern_has_an_entry():
    missing = sorted(r.name for r in ROUTES if r.name not in ACCESS)
    assert not missing, f"URL patterns without an entry in tests/security/access.py (say who may use them): {missing}"


def test_every_url_pattern_has_its_own_name():
    names = [r.name for r in ROUTES]
    shared = sorted({n for n in names if names.count(n) > 1})
    assert not shared, f"URL patterns sharing a name (the table could not tell them apart): {shared}"


def test_every_entry_has_a_url_pattern():
    stale = sorted(set(ACCESS) - set(ROUTES_BY_NAME))
    assert not stale, f"Entries in tests/security/access.py without a URL pattern (remove them): {stale}"


@pytest.mark.parametrize("name", sorted(set(ACCESS) & set(ROUTES_BY_NAME)))
def test_entry_lists_exactly_the_methods_the_view_accepts(name):
    route = ROUTES_BY_NAME[name]
    assert set(ACCESS[name].allow) == view_methods(route), f"{name} ({route.route}): the view accepts {sorted(view_methods(route))}"


@pytest.mark.parametrize("page", sorted(SAME_ACTION), ids=lambda p: f"{p[0]} {p[1]}")
def test_a_page_and_the_api_allow_the_same_roles_for_the_same_action(page):
    """Issue 16: an advisor got 403 from the API but started the same consultation through the page. Both now read
    the service's allow-list; the matrix proves each side against real requests and this test that they agree."""
    (page_name, page_method), (api_name, api_method) = page, SAME_ACTION[page]
    assert ACCESS[page_name].allow[page_method] == ACCESS[api_name].allow[api_method]


def test_anonymous_access_is_deliberate():
    unexplained = sorted(n for n, a in ACCESS.items() if any(ANONYMOUS in roles for roles in a.allow.values()) and not a.public_because)
    assert not unexplained, f"Open to anonymous users without a reason (public_because) in the table: {unexplained}"


@pytest.mark.parametrize("name", sorted(set(ACCESS) & set(ROUTES_BY_NAME)))
def test_entry_fills_every_path_parameter(name):
    route, access = ROUTES_BY_NAME[name], ACCESS[name]
    unknown = [p for p, obj in access.params_for(route.params).items() if not obj]
    assert not unknown, f"{name} ({route.route}): no object for path parameters {unknown}"
    assert set(access.params) <= set(route.params), f"{name}: params {sorted(set(access.params) - set(route.params))} are not in {route.route}"


# --- organisation A's world, made once for the module ---------------------------------------------------------
class World:
    """The personas and organisation A's objects; attribute names are what access.py's params refer to."""


def _on_commit(func):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return func()


def _ok(response, status=(200, 201)):
    assert response.status_code in ((status,) if isinstance(status, int) else status), (response.status_code, response.content[:500])
    return response


def _build_world(tmp_path) -> World:
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from licensing.applications.models import Application
    from licensing.assessment.models import Assessment, Consultation
    from licensing.customs.models import MismatchKind, ReconciliationFlag
    from licensing.licences.models import Licence, LiveHit, ParliamentNotification, Registration, UsageReport
    from licensing.reporting.models import ReportRun
    from licensing.screening.models import RunKind, ScreeningHit, ScreeningRun
    from licensing.accounts.models import SavedSearch

    w = World()
    org_a, org_b = OrganisationFactory(name="Company A B.V."), OrganisationFactory(name="Company B B.V.")
    w.org_a = org_a
    w.users = {
        EXPORTER_A: UserFactory(username="exporter_a", organisation=org_a),
        EXPORTER_B: UserFactory(username="exporter_b", organisation=org_b),
        OFFICER: UserFactory(username="officer1", role="officer", organisation=None),
        ADVISOR: UserFactory(username="advisor1", role="advisor", organisation=None),
        ADMINISTRATOR: UserFactory(username="admin1", role="administrator", organisation=None),
        CUSTOMS: UserFactory(username="customs1", role="customs", organisation=None),
        DEFENCE: UserFactory(username="defence1", role="defence", organisation=None),
    }
    second_advisor = UserFactory(username="advisor2", role="advisor", organisation=None)
    # The agent: a person of a customs agent's firm whom A (as a signatory) and C (as a preparer) made their agent;
    # B did not. One person, two personas: acting for A and acting for C.
    from licensing.accounts import agents

    org_c = OrganisationFactory(name="Company C Ltd.", country_id="US")
    agent = UserFactory(username="agent", organisation=OrganisationFactory(name="Customs Agent B.V."))
    w.users[AGENT_FOR_A] = w.users[AGENT_FOR_C] = agent
    w.agency = agents.agency_grant(actor=w.users[EXPORTER_A], agent="agent", org_role="signatory").pk
    agents.agency_grant(actor=UserFactory(username="admin_c", organisation=org_c), agent="agent", org_role="preparer")
    w.acting_for = {AGENT_FOR_A: org_a.pk, AGENT_FOR_C: org_c.pk}
    w.tokens = {role: Token.objects.get_or_create(user=user)[0].key for role, user in w.users.items()}

    def api(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    exporter, officer, advisor = api(w.users[EXPORTER_A]), api(w.users[OFFICER]), api(w.users[ADVISOR])

    # A German denial of the same end user: the case gets a consultation and a screening hit on the denial register.
    denials = tmp_path / "denials.csv"
    recent = (timezone.localdate() - timedelta(days=30)).isoformat()
    denials.write_text(
        "reference,notifying_state,notified_on,destination,goods_description,control_entry,consignee,end_user,criteria\n"
        f"DE-2025-0042,DE,{recent},SA,Radar parts,ML5.b,Ministry of Defence,Royal Saudi Land Forces,2;4\n"
    )
    call_command("import_denials", str(denials), verbosity=0, stdout=io.StringIO())

    # The case: military goods to Saudi Arabia, referred to the ministry, assessed, countersigned, consulted, licensed.
    draft = _ok(exporter.post("/api/v1/applications/", application_payload(**SAUDI), format="json")).json()
    pk = draft["id"]
    document = _ok(exporter.post(f"/api/v1/applications/{pk}/documents/", {"doc_type": "end_user_certificate", "file": pdf_upload()}, format="multipart")).json()
    _on_commit(lambda: _ok(exporter.post(f"/api/v1/applications/{pk}/submit/")))
    _ok(officer.post(f"/api/v1/office/applications/{pk}/refer/", {"note": "Please advise."}, format="json"))
    _ok(advisor.post(f"/api/v1/ministry/applications/{pk}/assessment/"))
    for number in range(1, 9):
        _ok(advisor.put(f"/api/v1/ministry/applications/{pk}/assessment/findings/{number}/", {"finding": "no_concern", "reasoning": f"Criterion {number}."}, format="json"))
    _ok(advisor.post(f"/api/v1/ministry/applications/{pk}/assessment/advice/", {"advice": "approve"}, format="json"))
    _ok(api(second_advisor).post(f"/api/v1/ministry/applications/{pk}/assessment/countersign/", {"agree": True}, format="json"))
    _ok(officer.post(f"/api/v1/office/applications/{pk}/claim/"))  # officer1 keeps the decided case claimed
    consultation = Consultation.objects.get(application_id=pk)
    _ok(officer.post(f"/api/v1/office/consultations/{consultation.pk}/start/"))
    _ok(officer.post(f"/api/v1/office/consultations/{consultation.pk}/answer/", {"answer": "No objection."}, format="json"))
    hit = ScreeningHit.objects.filter(application_id=pk).first()
    assert hit is not None, "the case should have a screening hit on the denial register"
    for each in ScreeningHit.objects.filter(application_id=pk):
        _ok(officer.post(f"/api/v1/office/applications/{pk}/screening/{each.pk}/disposition/", {"disposition": "true_match", "reason": "Checked."}, format="json"))
        if each.list_kind == "sanctions":  # a confirmed sanctions match blocks the approval until another official decides
            _ok(api(w.users[ADMINISTRATOR]).post(f"/api/v1/office/applications/{pk}/screening/{each.pk}/escalation/", {"reason": "Derogation granted."}, format="json"))
    # The case is flagged (a party confirmed on the denial register): the licence takes effect once a second officer
    # countersigns it (four eyes at the office).
    proposal = _ok(officer.post(f"/api/v1/office/applications/{pk}/decision/", {"outcome": "issued"}, format="json"), 202).json()
    countersign = {"proposal": proposal["id"], "agree": True}
    _on_commit(lambda: _ok(api(w.users[ADMINISTRATOR]).post(f"/api/v1/office/applications/{pk}/decision/countersign/", countersign, format="json"), 200))
    licence = Licence.objects.get(decision__application_id=pk)
    # Saudi radar spares need not be fast-tracked to parliament; the notice endpoints need one to act on.
    notification, _ = ParliamentNotification.objects.get_or_create(licence=licence, defaults={"due_on": timezone.localdate() + timedelta(days=14)})
    usage_row = {
        "licence": licence.number, "exported_on": timezone.localdate().isoformat(), "destination": "SA", "control_entry": "ML5",
        "quantity": "1", "value_eur": "30000.00", "recipient": "Royal Saudi Land Forces", "serial_numbers": "SN-1", "lot_numbers": "",
    }
    _ok(exporter.post("/api/v1/usage-reports/", [usage_row], format="json"), 201)
    # Customs writes one module off the licence at the border (the reversal endpoint needs a declaration to act on).
    w.declaration = "26NL000000000000" + "1" + check_character("26NL0000000000001")
    write_off = {"declaration": w.declaration, "licence": licence.number, "line": 1, "quantity": "1", "value_eur": "30000.00", "destination": "SA", "exported_on": timezone.localdate().isoformat()}
    _ok(api(w.users[CUSTOMS]).post("/api/v1/customs/write-offs/", write_off, format="json"), 201)

    # An objection of A's to the licence, with a document: handled and decided (unfounded) by the administrator, as
    # officer1 took the decision objected to; its letter exists, its moves are over (409 to whoever may make them).
    from licensing.licences import objections as objection_services

    objection = objection_services.objection_lodge(
        actor=w.users[EXPORTER_A], application=Application.objects.get(pk=pk), grounds="The licence's conditions are too wide.", files=[pdf_upload("objection.pdf", "Objection")]
    )
    objection_services.objection_take(actor=w.users[ADMINISTRATOR], objection=objection)
    objection_services.objection_decide(actor=w.users[ADMINISTRATOR], objection=objection, outcome="unfounded", reasons="The conditions stand.")
    w.objection, w.objection_document = objection.pk, objection.documents.get().pk

    # A registration for a general licence, decided by the office.
    registration_draft = _ok(
        exporter.post("/api/v1/applications/", {"kind": "general_registration", "movement": "transit", "general_licence": "NL008", "conditions_confirmed": True}, format="json")
    ).json()
    _on_commit(lambda: _ok(exporter.post(f"/api/v1/applications/{registration_draft['id']}/submit/")))
    _on_commit(lambda: _ok(officer.post(f"/api/v1/office/applications/{registration_draft['id']}/decision/", {"outcome": "issued"}, format="json"), 201))

    # The case file: an answered question with the exporter's document, and an internal note with an internal
    # document that no exporter may ever read, through any URL.
    from licensing.applications import services as application_services
    from licensing.applications.models import Question

    w.question = Question.objects.create(
        application_id=pk, asked_by=w.users[OFFICER], text="Who maintains the radar?", due_on=timezone.localdate(),
        answer="Our own engineers.", answered_by=w.users[EXPORTER_A], answered_at=timezone.now(),
    ).pk
    # Nothing HTML escapes (no quotes, no ampersands), so the same bytes are looked for in pages and API answers.
    internal_text = "INTERNAL-NOTE-7f3a: the procurement officer of the end user is under investigation"
    note = application_services.note_add(
        actor=w.users[OFFICER], application=Application.objects.get(pk=pk), text=f"{internal_text} @advisor1", files=[pdf_upload("internal-memo-7f3a.pdf", "Internal memo")]
    )
    w.note_document = note.documents.get().pk
    w.internal_secrets = [internal_text, "internal-memo-7f3a.pdf"]

    # Exporter B has a draft of its own, so its lists are not empty by accident.
    w.draft_of_b = _ok(api(w.users[EXPORTER_B]).post("/api/v1/applications/", application_payload(title="Company B's own draft"), format="json")).json()["id"]

    w.case = pk
    w.document = document["id"]
    w.hit = hit.pk
    w.consultation = consultation.pk
    assert Assessment.objects.filter(application_id=pk, countersigned_by=second_advisor).exists()
    w.licence = licence.pk
    w.licence_number = licence.number
    w.registration = Registration.objects.get(decision__application_id=registration_draft["id"]).pk
    registration_number = Registration.objects.get(pk=w.registration).number
    w.notification = notification.pk
    # A reconciliation flag on the licence (the explain endpoint needs one to act on).
    w.flag = ReconciliationFlag.objects.create(licence=licence, kind=MismatchKind.OUTSIDE_TERMS, key="outside_terms:matrix").pk
    # A list hit on the licence's consignee found by a re-screen (the dismiss endpoint needs one to act on).
    w.live_hit = LiveHit.objects.create(
        licence=licence, party_role="consignee", party_name="Matrix Party", party_key="matrix", source="eu", list_kind="sanctions",
        entry_reference="EU-MATRIX", entry_name="Matrix Party", matched_name="Matrix Party", score=1.0, entry_hash="matrix",
    ).pk
    # A condition of the licence with the certificate the holder handed in (the meet and download endpoints act on them).
    from django.core.files.base import ContentFile

    from licensing.licences.models import ConditionDocument, LicenceCondition
    from tests.factories import pdf_bytes

    condition = LicenceCondition.objects.create(
        licence=licence, obligation="delivery_verification", text_en="Return the DVC.", text_nl="Lever het DVC in.", due_on=timezone.localdate() + timedelta(days=90)
    )
    certificate = ConditionDocument(condition=condition, original_name="dvc.pdf", content_type="application/pdf", size=10, sha256="0" * 64, uploaded_by=w.users[EXPORTER_A])
    certificate.file.save("upload", ContentFile(pdf_bytes("DVC")), save=True)
    w.condition, w.condition_document = condition.pk, certificate.pk
    w.report_run = ReportRun.objects.create(year=timezone.localdate().year, requested_by=w.users[OFFICER]).pk
    w.screening_run = ScreeningRun.objects.create(kind=RunKind.RESCREEN, started_by=w.users[ADMINISTRATOR]).pk
    # The ministry asked Defence for advice while the case was handled (created as asked: the case is decided now).
    from licensing.assessment.models import AdviceRequest

    w.advice_request = AdviceRequest.objects.create(application_id=pk, body="defence", question="Any concerns about the end user?", due_on=timezone.localdate() + timedelta(days=21), asked_by=w.users[ADVISOR]).pk
    w.saved_search = SavedSearch.objects.create(owner=w.users[OFFICER], name="Open cases", query="status=in_review").pk
    w.year, w.month, w.criterion = timezone.localdate().year, timezone.localdate().month, 1
    w.line_number = 1  # the guided application's goods line or party, counted from 1
    assert Application.objects.get(pk=pk).claimed_by == w.users[OFFICER]
    assert UsageReport.objects.filter(organisation=org_a).exists()
    # Organisations that run themselves: a colleague of A's, an invitation of A's, and a company awaiting vetting.
    from licensing.accounts.models import Invitation, OrganisationStatus
    from licensing.accounts.organisations import invitation_token

    w.colleague = UserFactory(username="colleague_a", organisation=org_a, org_role="preparer").pk
    w.invitation_token = invitation_token(
        Invitation.objects.create(organisation=org_a, email="new@company-a.example", org_role="viewer", invited_by=w.users[EXPORTER_A], expires_at=timezone.now() + timedelta(days=7))
    )
    w.pending_organisation = OrganisationFactory(name="Newcomer B.V.", status=OrganisationStatus.PENDING).pk
    # A's address book and goods library, each with an entry whose words no one outside A may read.
    from licensing.applications import library
    from licensing.reference.models import Country

    book_secret, library_secret = "Address Book Party 5c1e of A", "Library product 5c1e of A"
    w.address_entry = library.address_entry_save(actor=w.users[EXPORTER_A], data={"role": "consignee", "name": book_secret, "country": Country.objects.get(code="NO")}).pk
    w.library_item = library.library_item_save(actor=w.users[EXPORTER_A], data={"goods_kind": "military", "description": library_secret, "control_entry": "ML5"}).pk
    # What exporter B must never read anywhere: organisation A's name, case, licence and registration.
    w.secrets_of_a = [org_a.name, draft["reference"], licence.number, registration_number, book_secret, library_secret]
    # The agent acting for C knows A by name (it acts for A too): A's objects are what it must not read there.
    w.objects_of_a = w.secrets_of_a[1:]

    # Web sessions, made once: each test's client carries the cookie (a logout in one test is rolled back with it).
    w.sessions = {}
    for role, user in w.users.items():
        client = Client()
        client.force_login(user)
        if role in w.acting_for:  # the agent chose the organisation on the switch page
            session = client.session
            session[agents.SESSION_KEY] = w.acting_for[role]
            session.save()
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Organisation A's case and everything around it, in one transaction rolled back after the module.

    Each test's own transaction (pytest-django) is a savepoint inside this one.
    """
    from config.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world(tmp_path_factory.mktemp("world"))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()
            app.conf.task_always_eager = eager


# --- the matrix ------------------------------------------------------------------------------------------
def fingerprint() -> tuple:
    """What a refused request must not change: the row counts (every move writes an event) and the cases' states."""
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from licensing.accounts.models import Agency, SavedSearch
    from licensing.applications.models import AddressBookEntry, Application, Document, LibraryItem, Mention, Note, NoteDocument, Notification, Question
    from licensing.assessment.models import Assessment, CriterionFinding
    from licensing.audit.models import Event
    from licensing.core.models import IdempotencyRecord
    from licensing.customs.models import CustomsWriteOff
    from licensing.licences.models import UsageReport
    from licensing.reporting.models import ReportRun
    from licensing.screening.models import ScreeningRun

    tables = [m._meta.db_table for m in (Event, Application, Document, Question, Note, NoteDocument, Mention, Assessment, CriterionFinding, UsageReport, ReportRun, ScreeningRun, Token, IdempotencyRecord, CustomsWriteOff, SavedSearch, Notification, Agency, AddressBookEntry, LibraryItem)]
    with connection.cursor() as cursor:  # one query: this runs twice for each of several hundred requests
        cursor.execute("SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables))
        counts = tuple(cursor.fetchone())
    return counts, tuple(Application.objects.order_by("pk").values_list("status", "claimed_by_id", "title"))


def expected_refusal(route: Route, access: Entry, method: str, role: str) -> int | str:
    if access.refusal(method, role) is not None:
        return access.refusal(method, role)
    role = ACTS_AS.get(role, role)  # an agent is refused as the exporter it acts as
    if role == ANONYMOUS:
        return 401 if route.is_api else "login"
    if role == EXPORTER_B and EXPORTER_A in access.allow[method] and route.params:
        return 404  # organisation A's object: B does not learn it exists
    if role in (CUSTOMS, DEFENCE) and route.is_api and method == "GET" and EXPORTER_A in access.allow[method] and route.params:
        return 404  # the holder's or officials' object read through the API: outside what Customs (or a body) sees
    return 403


def _cases():
    for route in ROUTES:
        access = ACCESS.get(route.name)
        if access is None:
            continue  # reported by test_every_url_pattern_has_an_entry
        for method in sorted(access.allow):
            for role in ROLES:
                yield pytest.param(route.name, method, role, id=f"{route.name} {method} {role}")


def _client(world, route: Route, role: str):
    if route.is_api:
        from rest_framework.test import APIClient

        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if role != ANONYMOUS:
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
        if role in world.acting_for:
            client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}", HTTP_X_ACTING_FOR=str(world.acting_for[role]))
        return client
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def _body(access: Entry, method: str):
    body = dict(access.body.get(method, {}))
    if body.get("file") == "pdf":
        body["file"] = pdf_upload()
    return body


def _send(world, route: Route, access: Entry, method: str, role: str):
    kwargs = {name: getattr(world, obj) for name, obj in access.params_for(route.params).items()}
    url = reverse(route.name, kwargs=kwargs)
    client = _client(world, route, role)
    send = getattr(client, method.lower())
    if method == "GET":
        return url, send(url)
    body = _body(access, method)
    if route.is_api:
        return url, send(url, body, format="multipart" if access.multipart else "json")
    if method == "POST":
        return url, send(url, body)  # a browser's form post (multipart)
    return url, send(url, body, content_type="application/x-www-form-urlencoded")


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL) + "?")


@pytest.mark.django_db
@pytest.mark.parametrize("name,method,role", list(_cases()))
def test_authorisation(world, name, method, role):
    route, access = ROUTES_BY_NAME[name], ACCESS[name]
    before = fingerprint() if method != "GET" else None
    url, response = _send(world, route, access, method, role)
    said = f"{method} {url} as {role} -> {response.status_code}"
    if access.allows(method, role):
        assert response.status_code not in (401, 403, 404, 405), f"{said}: allowed, but refused: {response.content[:300]!r}"
        assert not _is_login_redirect(response), f"{said}: allowed, but sent to the login page"
        if role in (EXPORTER_B, AGENT_FOR_C) and method == "GET":
            content = b"".join(response.streaming_content) if response.streaming else response.content
            leaked = [s for s in (world.secrets_of_a if role == EXPORTER_B else world.objects_of_a) if s.encode() in content]
            assert not leaked, f"{said}: {role} reads organisation A's {leaked}"
        if role in (EXPORTER_A, EXPORTER_B, AGENT_FOR_A, AGENT_FOR_C) and method == "GET":
            # Issue 17: an internal note and its document are the officials' alone, on every page, API answer,
            # document and export an exporter may read.
            content = b"".join(response.streaming_content) if response.streaming else response.content
            leaked = [s for s in world.internal_secrets if s.encode() in content]
            assert not leaked, f"{said}: an exporter reads the internal {leaked}"
        return
    expected = expected_refusal(route, access, method, role)
    if expected == "login":
        assert _is_login_redirect(response), f"{said}: expected a redirect to the login page"
    else:
        assert response.status_code == expected, f"{said}: expected {expected}: {response.content[:300]!r}"
    if method != "GET":
        assert fingerprint() == before, f"{said}: refused, but the database changed"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, a in ACCESS.items() if "GET" not in a.allow and n in ROUTES_BY_NAME))
def test_get_on_a_view_that_only_takes_writes_shows_nothing(world, name):
    """GET everything: a view without GET answers 405 to those who may write to it, and refuses the others as usual."""
    route, access = ROUTES_BY_NAME[name], ACCESS[name]
    kwargs = {p: getattr(world, obj) for p, obj in access.params_for(route.params).items()}
    url = reverse(name, kwargs=kwargs)
    for role in ROLES:
        response = _client(world, route, role).get(url)
        refused = response.status_code in (401, 403, 404, 405) or _is_login_redirect(response)
        assert refused, f"GET {url} as {role} -> {response.status_code}: a view that only takes {sorted(access.allow)} must not answer GET"
        if any(access.allows(method, role) for method in access.allow) and role != ANONYMOUS:
            assert response.status_code == 405, f"GET {url} as {role} -> {response.status_code}: expected 405"


# --- Django's admin: staff only -----------------------------------------------------------------------------
ADMIN_URLS = ["/admin/", "/admin/accounts/user/", "/admin/audit/event/", "/admin/screening/screeninghit/"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES])
def test_django_admin_refuses_everyone_but_staff(world, role):
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    for url in ADMIN_URLS:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), f"GET {url} as {role} (not staff) -> {response.status_code}"


@pytest.mark.django_db
def test_django_admin_lets_staff_in(world):
    client = Client()
    client.force_login(UserFactory(username="superuser", role="administrator", organisation=None, is_staff=True, is_superuser=True))
    for url in ADMIN_URLS:
        assert client.get(url).status_code == 200, url


# --- drafts are the exporter's own: officials do not see them until submitted -----------------------------------
def _case_pages():
    for route in ROUTES:
        access = ACCESS.get(route.name)
        if access and route.params == ("pk",) and access.params_for(route.params) == {"pk": "case"} and OFFICER in access.allow.get("GET", ()):
            yield route.name


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(_case_pages()))
@pytest.mark.parametrize("role", [OFFICER, ADVISOR, ADMINISTRATOR])
def test_officials_get_404_for_a_draft(world, name, role):
    route = ROUTES_BY_NAME[name]
    url = reverse(name, kwargs={"pk": world.draft_of_b})
    response = _client(world, route, role).get(url)
    assert response.status_code == 404, f"GET {url} as {role} -> {response.status_code}: a draft is the exporter's alone"


# --- objects named in the body: exporter B naming organisation A's licence learns no more than for a made-up one ----
UNKNOWN_NUMBER = "NL-1999-999999-V"


def _usage_rows(number):
    return [{"licence": number, "exported_on": timezone.localdate().isoformat(), "destination": "SA", "control_entry": "ML5", "quantity": "1", "value_eur": "1.00", "recipient": "Royal Saudi Land Forces"}]


def _period(number):
    return {"licence": number, "period_start": f"{timezone.localdate().year - 1}-01-01"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [EXPORTER_B, AGENT_FOR_C])
@pytest.mark.parametrize("name,body", [("api:usage-reports", _usage_rows), ("api:usage-periods", _period)], ids=["usage-reports", "usage-periods"])
def test_exporter_b_naming_a_licence_of_organisation_a_is_told_no_more_than_for_an_unknown_one(world, name, body, role):
    route = ROUTES_BY_NAME[name]
    client = _client(world, route, role)
    before = fingerprint()
    theirs = client.post(reverse(name), body(world.licence_number), format="json")
    unknown = client.post(reverse(name), body(UNKNOWN_NUMBER), format="json")
    assert theirs.status_code == unknown.status_code == 400, (theirs.status_code, unknown.status_code)
    assert theirs.content.decode().replace(world.licence_number, UNKNOWN_NUMBER) == unknown.content.decode()
    assert UNKNOWN_NUMBER in unknown.content.decode(), "the body must reach the check of whose licence it is"
    assert fingerprint() == before


# --- internal notes: the officials read them, so the matrix's check that no exporter does is not vacuous -----------
@pytest.mark.django_db
def test_officials_read_the_internal_note_and_document_that_exporters_never_see(world):
    route = ROUTES_BY_NAME["api:application-timeline"]
    for role in (OFFICER, ADVISOR, ADMINISTRATOR):
        content = _client(world, route, role).get(reverse("api:application-timeline", kwargs={"pk": world.case})).content
        assert all(s.encode() in content for s in world.internal_secrets), role
    page = _client(world, ROUTES_BY_NAME["office:case"], OFFICER).get(reverse("office:case", kwargs={"pk": world.case})).content
    assert all(s.encode() in page for s in world.internal_secrets)
    content = _client(world, route, EXPORTER_A).get(reverse("api:application-timeline", kwargs={"pk": world.case})).content
    assert not any(s.encode() in content for s in world.internal_secrets)


# --- agents: acting for an organisation that did not make it its agent is refused everywhere ----------------------
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, a in ACCESS.items() if n in ROUTES_BY_NAME and ROUTES_BY_NAME[n].is_api and "GET" in a.allow and a.allows("GET", AGENT_FOR_A) and not a.public_because))
def test_the_api_refuses_an_agent_acting_for_an_organisation_it_does_not_act_for(world, name):
    """Organisation B never made the agent its agent: naming B (or one that does not exist) in X-Acting-For is a 403
    on every API endpoint, before any object is looked up (the public schema refuses it too, not as JSON)."""
    route, access = ROUTES_BY_NAME[name], ACCESS[name]
    url = reverse(name, kwargs={p: getattr(world, obj) for p, obj in access.params_for(route.params).items()})
    client = _client(world, route, AGENT_FOR_A)
    for organisation in (world.users[EXPORTER_B].organisation_id, 10**9):
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[AGENT_FOR_A]}", HTTP_X_ACTING_FOR=str(organisation))
        response = client.get(url)
        assert response.status_code == 403 and response.json()["code"] == "not_acting_for", f"GET {url} acting for {organisation} -> {response.status_code}"


@pytest.mark.django_db
def test_a_session_acting_for_an_organisation_without_an_agency_falls_back_to_the_agents_own(world):
    """A session holding B (an agency revoked since, or a forged session) acts for no one but the agent's own firm:
    neither A's case nor B's draft is there."""
    from licensing.accounts import agents

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users[AGENT_FOR_A])
    session = client.session
    session[agents.SESSION_KEY] = world.users[EXPORTER_B].organisation_id
    session.save()
    page = client.get(reverse("exporter:list"))
    assert page.status_code == 200 and "You no longer act for that organisation" in page.content.decode()
    assert not any(s.encode() in page.content for s in world.secrets_of_a)
    for pk in (world.case, world.draft_of_b):
        assert client.get(reverse("exporter:detail", kwargs={"pk": pk})).status_code == 404
    assert agents.SESSION_KEY not in client.session
