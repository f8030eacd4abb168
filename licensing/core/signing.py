"""
The office's seal on its decisions: licences and decision letters are signed PDFs (PAdES baseline B-B, ETSI.CAdES.detached)
made with pyHanko and the certificate and key the environment names (settings.SIGNING_CERT_PATH, SIGNING_KEY_PATH,
SIGNING_KEY_PASSPHRASE, SIGNING_CHAIN_PATHS for intermediate certificates).

Production (DEBUG off) will not start without them (config/settings.py), and the system check below refuses a
certificate or key that does not load, does not match, or has expired. Development uses a self-signed demo certificate
that `manage.py demo_signing_cert` (run by `make setup`) writes; `demo_certificate_write` refuses when DEBUG is off, so
a production seal is never a demo one.
"""
import datetime
import os
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

DEMO_SUBJECT = "Licensing office demo seal (NOT FOR PRODUCTION)"
FIELD_NAME = "OfficeSeal"


class SigningUnavailable(ImproperlyConfigured):
    """The office's signing certificate or key cannot be used: nothing is issued unsealed."""


def _signer_key() -> tuple:
    """What the cached signer depends on: the paths, the passphrase and the files' modification times (a rotated
    certificate is picked up without a restart)."""
    paths = [settings.SIGNING_CERT_PATH, settings.SIGNING_KEY_PATH, *settings.SIGNING_CHAIN_PATHS]
    mtimes = tuple(os.stat(p).st_mtime_ns if os.path.exists(p) else None for p in paths)
    return (*paths, settings.SIGNING_KEY_PASSPHRASE, mtimes)


def signer():
    """The office's pyHanko signer; SigningUnavailable (with what to do) when the files do not load."""
    return _load_signer(_signer_key())


@lru_cache(maxsize=2)
def _load_signer(key: tuple):
    from pyhanko.sign import signers

    cert_path, key_path = settings.SIGNING_CERT_PATH, settings.SIGNING_KEY_PATH
    for label, path in (("certificate", cert_path), ("key", key_path)):
        if not path or not Path(path).is_file():
            hint = " Run `manage.py demo_signing_cert` for a local demo certificate." if settings.DEBUG else ""
            raise SigningUnavailable(f"The office's signing {label} is missing: {path or '(not set)'}.{hint}")
    passphrase = settings.SIGNING_KEY_PASSPHRASE.encode() if settings.SIGNING_KEY_PASSPHRASE else None
    try:
        loaded = signers.SimpleSigner.load(key_path, cert_path, ca_chain_files=tuple(settings.SIGNING_CHAIN_PATHS) or None, key_passphrase=passphrase)
    except Exception as exc:  # pyHanko reports a wrong passphrase, a bad file or a mismatch in several ways
        raise SigningUnavailable(f"The office's signing certificate and key could not be loaded: {exc}") from None
    if loaded is None:
        raise SigningUnavailable("The office's signing certificate and key could not be loaded (wrong passphrase or not a PEM/DER file).")
    certificate = loaded.signing_cert
    if certificate.public_key.dump() != _public_key_of(key_path, passphrase):
        raise SigningUnavailable("The office's signing key does not belong to its certificate.")
    if certificate.not_valid_after < datetime.datetime.now(datetime.timezone.utc):
        raise SigningUnavailable(f"The office's signing certificate expired on {certificate.not_valid_after:%Y-%m-%d}.")
    return loaded


def _public_key_of(key_path: str, passphrase: bytes | None) -> bytes:
    from cryptography.hazmat.primitives import serialization

    data = Path(key_path).read_bytes()
    load = serialization.load_pem_private_key if b"-----BEGIN" in data else serialization.load_der_private_key
    public = load(data, password=passphrase).public_key()
    return public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def pdf_seal(pdf: bytes, *, reason: str) -> bytes:
    """The PDF with the office's PAdES signature over all of it (a signed copy: changing any byte breaks it)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, reason=reason, location=settings.SIGNING_LOCATION, md_algorithm="sha256"
    )
    return signers.sign_pdf(writer, metadata, signer=signer()).getvalue()


def demo_certificate_write(cert_path: str | Path, key_path: str | Path, *, debug: bool) -> bool:
    """Write a self-signed demo certificate and its key (PEM, unencrypted) unless both exist; False when they did.
    Refuses outside development: a demo seal must never sign a real decision."""
    if not debug:
        raise ImproperlyConfigured("A demo signing certificate is for development only (DEBUG=1); production uses the office's own (SIGNING_CERT_PATH).")
    cert_path, key_path = Path(cert_path), Path(key_path)
    if cert_path.exists() and key_path.exists():
        return False
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"), x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SUBJECT)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_cert_sign=True, crl_sign=False,
                key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return True


@checks.register(checks.Tags.security, deploy=False)
def signing_check(app_configs=None, **kwargs):
    """Outside development, the office's certificate and key must load (every `manage.py` command, `check --deploy`)."""
    if settings.DEBUG:
        return []
    try:
        signer()
    except SigningUnavailable as exc:
        return [checks.Error(str(exc), hint="Set SIGNING_CERT_PATH, SIGNING_KEY_PATH (and SIGNING_KEY_PASSPHRASE) to the office's certificate.", id="core.E010")]
    return []
