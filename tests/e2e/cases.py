"""Cases the journeys start from, made through the services (the journey under test is what the browser does)."""
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from licensing.applications.models import Application, Status

from tests.polling import wait_for

NORWAY = {
    "kind": "individual", "movement": "export", "destinations": ["NO"], "end_use": "military", "title": "Radar spares for the Norwegian navy",
    "goods": [
        {"goods_kind": "military", "description": "Radar transmitter module", "control_entry": "ML5", "quantity": 4, "value_eur": "120000.00"},
    ],
    "parties": [
        {"role": "consignee", "name": "Forsvarsmateriell", "address": "Postboks 800, 2617 Lillehammer", "country": "NO", "party_type": "government"},
        {"role": "end_user", "name": "Royal Norwegian Navy", "address": "Haakonsvern, 5886 Bergen", "country": "NO", "party_type": "armed_forces"},
    ],
}
SAUDI = {
    **NORWAY,
    "destinations": ["SA"],
    "title": "Surveillance radar for Saudi Arabia",
    "goods": [
        {"goods_kind": "military", "description": "Ground surveillance radar", "control_entry": "ML5", "quantity": 2, "value_eur": "1234567.89"},
    ],
    "parties": [
        {"role": "consignee", "name": "Ministry of Defence", "address": "Riyadh", "country": "SA", "party_type": "government"},
        {"role": "end_user", "name": "Royal Saudi Land Forces", "address": "Riyadh", "country": "SA", "party_type": "armed_forces"},
    ],
}


def pdf_bytes(text: str) -> bytes:
    """A real one-page PDF, made with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(text)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 770, text)
    page.setFont("Helvetica", 11)
    page.drawString(72, 745, "We certify that the goods are for our own use and will not be re-exported without consent.")
    page.drawString(72, 700, "Signed: ______________________")
    page.save()
    return buffer.getvalue()


def _data(spec: dict) -> dict:
    from decimal import Decimal

    from licensing.reference.models import Country

    countries = {c.code: c for c in Country.objects.all()}
    data = {k: v for k, v in spec.items() if k not in ("goods", "parties", "destinations")}
    data["destinations"] = [countries[c] for c in spec["destinations"]]
    data["goods"] = [{**g, "value_eur": Decimal(g["value_eur"]), "quantity": Decimal(g["quantity"])} for g in spec["goods"]]
    data["parties"] = [{**p, "country": countries[p["country"]]} for p in spec["parties"]]
    return data


def status_of(pk: int) -> str:
    return Application.objects.filter(pk=pk).values_list("status", flat=True).get()


def wait_for_status(pk: int, status: str, timeout: float = 60) -> None:
    wait_for(lambda: status_of(pk) == status, timeout=timeout, what=f"application {pk} to be {status} (live worker)")


def submitted(exporter, spec: dict) -> Application:
    """A submitted application, routed by the live worker into the licensing office's queue."""
    from licensing.applications import services

    application = services.application_create(actor=exporter, data=_data(spec))
    upload = SimpleUploadedFile("end-user-certificate.pdf", pdf_bytes("End-user certificate"), content_type="application/pdf")
    services.document_add(actor=exporter, application=application, doc_type="end_user_certificate", uploaded_file=upload)
    services.application_submit(actor=exporter, application=application)
    wait_for_status(application.pk, Status.IN_REVIEW)
    return Application.objects.get(pk=application.pk)


def referred(exporter, officer, spec: dict = SAUDI) -> Application:
    """A case the office has referred to the ministry."""
    from licensing.routing import services as triage

    application = submitted(exporter, spec)
    triage.application_refer(actor=officer, application=application, note="Ministry cases: please advise on the eight criteria.")
    return Application.objects.get(pk=application.pk)


def advised(exporter, officer, advisor, advisor2, *, advice: str, negative: tuple[int, ...] = (), spec: dict = SAUDI) -> Application:
    """A referred case with the ministry's countersigned advice."""
    from licensing.assessment import selectors, services

    application = referred(exporter, officer, spec)
    assessment = services.assessment_start(actor=advisor, application=application)
    for number in range(1, 9):
        finding = "negative" if number in negative else "no_concern"
        services.finding_record(actor=advisor, assessment=assessment, criterion=number, finding=finding, reasoning=f"Criterion {number} considered.")
    services.assessment_submit(actor=advisor, assessment=selectors.current_assessment(application), advice=advice)
    assessment = selectors.current_assessment(application)
    if assessment.status == "awaiting_countersignature":
        services.assessment_countersign(actor=advisor2, assessment=assessment, agree=True)
    return Application.objects.get(pk=application.pk)
