"""Issue 18.7: licences and decision letters are sealed PDFs (PAdES) signed with the office's certificate from the
environment; the signature verifies with pyHanko's validation API, and a changed byte breaks it."""
import io
from io import BytesIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from licensing.core import signing

pytestmark = pytest.mark.django_db


def validated(pdf: bytes):
    """pyHanko's verdict on the document's one signature, trusting only the office's certificate."""
    [signature] = PdfFileReader(BytesIO(pdf)).embedded_signatures
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[load_cert_from_pemder(settings.SIGNING_CERT_PATH)]))


def changed_byte(pdf: bytes) -> bytes:
    """The PDF with one byte of its first content stream changed (the file still parses; only the signed data differs)."""
    at = pdf.index(b"stream\n") + len(b"stream\n") + 10
    return pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1 :]


def test_a_licence_is_sealed_with_the_offices_certificate_and_a_changed_byte_breaks_the_seal(api_as, exporter_a, issued):
    licence = issued(exporter_a)
    pdf = api_as(exporter_a).get(f"/api/v1/applications/{licence.decision.application_id}/decision/document/").content
    status = validated(pdf)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.subject.native["common_name"] == signing.DEMO_SUBJECT
    assert status.coverage.name == "ENTIRE_FILE"  # the seal covers the whole document, not a revision of it

    broken = validated(changed_byte(pdf))
    assert not broken.intact and not broken.bottom_line


def test_a_denial_letter_is_sealed_too(api_as, exporter_a, officer, submit):
    application = submit(exporter_a, kind="sondage")
    answer = {"outcome": "answered", "answer": "Positief voor Noorwegen.", "positive": True}
    assert api_as(officer).post(f"/api/v1/office/applications/{application.pk}/decision/", answer, format="json").status_code == 201
    letter = api_as(exporter_a).get(f"/api/v1/applications/{application.pk}/decision/document/").content
    assert validated(letter).bottom_line


def test_a_signature_by_another_certificate_is_not_trusted_as_the_offices(tmp_path, settings):
    settings.SIGNING_CERT_PATH, settings.SIGNING_KEY_PATH = str(tmp_path / "other.pem"), str(tmp_path / "other-key.pem")
    signing.demo_certificate_write(settings.SIGNING_CERT_PATH, settings.SIGNING_KEY_PATH, debug=True)
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "Forged licence")
    page.save()
    forged = signing.pdf_seal(buffer.getvalue(), reason="Forged")
    settings.SIGNING_CERT_PATH = str(settings.BASE_DIR / "media-test" / "signing" / "test-certificate.pem")
    status = validated(forged)
    assert status.intact and not status.trusted and not status.bottom_line


def test_nothing_is_issued_unsealed_when_the_certificate_is_missing_or_not_the_keys(tmp_path, settings, api_as, exporter_a, issued):
    licence = issued(exporter_a)
    url = f"/api/v1/applications/{licence.decision.application_id}/decision/document/"
    settings.SIGNING_CERT_PATH = str(tmp_path / "absent.pem")
    with pytest.raises(signing.SigningUnavailable, match="signing certificate is missing"):
        api_as(exporter_a).get(url)
    other_cert, other_key = tmp_path / "c.pem", tmp_path / "k.pem"
    signing.demo_certificate_write(other_cert, other_key, debug=True)
    settings.SIGNING_CERT_PATH = str(other_cert)  # the tests' key with another certificate
    with pytest.raises(signing.SigningUnavailable, match="does not belong to its certificate"):
        signing.signer()
    settings.DEBUG = False
    assert [e.id for e in signing.signing_check()] == ["core.E010"]


def test_the_demo_certificate_is_refused_outside_development(tmp_path, settings):
    settings.DEBUG = False
    settings.SIGNING_CERT_PATH, settings.SIGNING_KEY_PATH = str(tmp_path / "c.pem"), str(tmp_path / "k.pem")
    with pytest.raises(CommandError, match="development only"):
        call_command("demo_signing_cert")
    assert not (tmp_path / "c.pem").exists()
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_signing_cert", stdout=out)
    assert "Wrote a demo signing certificate" in out.getvalue()
    assert (tmp_path / "c.pem").exists() and oct((tmp_path / "k.pem").stat().st_mode & 0o777) == "0o600"
