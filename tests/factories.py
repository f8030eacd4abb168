"""Factories for the variants; the personas in conftest use them."""
import factory

from licensing.accounts.models import Organisation, Role, User

PASSWORD = "Correct-horse-battery-9"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Exporter {n} B.V.")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")
    eori_number = factory.Sequence(lambda n: f"NL{100000000 + n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.EXPORTER
    organisation = factory.Maybe(factory.LazyAttribute(lambda o: o.role == Role.EXPORTER), factory.SubFactory(OrganisationFactory), None)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def application_payload(**overrides) -> dict:
    """A complete individual licence application for military goods to Norway, as the API takes it."""
    payload = {
        "kind": "individual",
        "movement": "export",
        "title": "Radar spares for the Norwegian navy",
        "destinations": ["NO"],
        "end_use": "military",
        "end_use_description": "Spare parts for coastal surveillance radars.",
        "goods": [
            {
                "goods_kind": "military",
                "description": "Radar transmitter module",
                "control_entry": "ML5",
                "quantity": "4",
                "value_eur": "120000.00",
                "part_number": "TX-400",
                "serial_numbers": "SN-1\nSN-2\nSN-3\nSN-4",
            },
            {"goods_kind": "military", "description": "Armoured vehicle wheels", "control_entry": "ML6", "quantity": "16", "value_eur": "48000.00"},
        ],
        "parties": [
            {"role": "consignee", "name": "Forsvarsmateriell", "address": "Postboks 800, 2617 Lillehammer", "country": "NO", "party_type": "government"},
            {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, 5886 Bergen", "country": "NO", "party_type": "armed_forces"},
            {"role": "broker", "name": "Nordic Defence Agency AS", "address": "Oslo", "country": "NO"},
        ],
    }
    payload.update(overrides)
    return payload


# Military goods to Saudi Arabia: outside EU/NATO/NATO+, so a ministry case.
SAUDI = {
    "destinations": ["SA"],
    "parties": [
        {"role": "consignee", "name": "Ministry of Defence", "address": "Riyadh", "country": "SA", "party_type": "government"},
        {"role": "end_user", "name": "Royal Saudi Land Forces", "address": "Riyadh", "country": "SA", "party_type": "armed_forces"},
    ],
}


def pdf_bytes(text: str = "End-user certificate") -> bytes:
    """A real one-page PDF."""
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def pdf_upload(name: str = "euc.pdf", text: str = "End-user certificate"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


# --- Applications, decisions, licences: through the services, with the input the API validates -------------------
# Each runs what the API's views run (the same input serializer, the same service calls), without HTTP. A
# submission runs its commit callbacks (routing and screening are queued after commit; tasks run in process in
# the tests); a decision leaves its e-mail queued (see decision_recorded).
# The tests of the API itself (tests/applications) still go through HTTP.


def _after_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def application_draft(exporter, payload: dict | None = None, **overrides):
    """A draft filed by `exporter`: `payload` (else application_payload(**overrides)), validated as the API
    validates it."""
    from licensing.api.applications import ApplicationIn
    from licensing.applications.services import application_create

    data = ApplicationIn(data=payload if payload is not None else application_payload(**overrides))
    data.is_valid(raise_exception=True)
    return application_create(actor=exporter, data=data.validated_data)


def application_submitted(exporter, *, screen: bool = False, **overrides):
    """A complete application (application_payload(**overrides)) with an end-user certificate, submitted and
    routed; `screen`: screened as well, as application_submit queues it after commit."""
    from licensing.applications.models import Application
    from licensing.applications.services import application_submit, document_add

    draft = application_draft(exporter, **overrides)
    document_add(actor=exporter, application=draft, doc_type="end_user_certificate", uploaded_file=pdf_upload())
    with _after_commit():
        application_submit(actor=exporter, application=draft)
        if screen:
            from licensing.screening.cases import application_screen_after_commit

            application_screen_after_commit(draft.pk)
    return Application.objects.get(pk=draft.pk)


def decision_recorded(officer, application, *, outcome: str = "issued", **fields):
    """The office's decision on `application` (issued, denied, answered, ruled), recorded through the one decision path
    (licences.decisions.decide); where it needs four eyes (a denial, a licence above the office's limit, a flagged
    case) a second officer countersigns it. Its after-commit work (the decision e-mail) stays queued, as a test's
    transaction never commits: wrap the call in django_capture_on_commit_callbacks(execute=True) to send it."""
    from licensing.licences import decisions
    from licensing.licences.models import Decision, DecisionProposal

    made = decisions.decide(actor=officer, application=application, command=decisions.DecideCommand.of({"outcome": outcome, **fields}))
    if isinstance(made, DecisionProposal):
        decision_countersigned(second_officer(officer), application)
    return Decision.objects.get(application=application)


def second_officer(officer):
    """Another officer than `officer`, to countersign its decisions (four eyes at the office)."""
    return UserFactory._meta.model.objects.filter(role="officer").exclude(pk=officer.pk).first() or UserFactory(
        username=f"second-to-{officer.username}", role="officer", organisation=None
    )


def decision_countersigned(second_officer, application, *, agree: bool = True, reason: str = ""):
    """The second officer's countersignature (or, `agree=False`, sending back) of the decision proposed on
    `application` (four eyes at the office); returns the proposal."""
    from licensing.licences import decisions

    return decisions.decision_countersign(actor=second_officer, application=application, proposal_id=None, agree=agree, reason=reason)


def licence_issued(exporter, officer, **overrides):
    """A licence the office issued on a submitted application (military goods to Norway unless overridden)."""
    from licensing.licences.models import Licence

    decision = decision_recorded(officer, application_submitted(exporter, **overrides))
    return Licence.objects.get(decision=decision)


def registration_issued(exporter, officer, code: str):
    """The exporter's accepted registration for general licence `code`."""
    from licensing.applications.models import Application
    from licensing.applications.services import application_submit
    from licensing.licences.models import Registration

    payload = {"kind": "general_registration", "movement": "transit", "general_licence": code, "conditions_confirmed": True}
    draft = application_draft(exporter, payload)
    with _after_commit():
        application_submit(actor=exporter, application=draft)
    decision = decision_recorded(officer, Application.objects.get(pk=draft.pk))
    return Registration.objects.get(decision=decision)


def logged_in(user, language: str = "en"):
    """A browser session of `user` (signed in with the test password), reading the pages in `language` (the tests
    read English unless they ask otherwise; Dutch is the site's default)."""
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.login(username=user.username, password=PASSWORD)
    return client
