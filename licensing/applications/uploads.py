"""
Upload checks: the type is read from the content (magic bytes, and the inside of ZIP-based office
files), never from the name or the browser's claim; the size is bounded.
"""
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext as _

from licensing.core.archives import ZIP_ERRORS, zip_member_read, zip_open
from licensing.core.errors import DomainError
from licensing.core.limits import DOCUMENT_MAX_BYTES

MAX_UPLOAD_BYTES = DOCUMENT_MAX_BYTES

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc/.xls
SIMPLE_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (OLE2_MAGIC, "application/x-ole-storage"),
]
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_MIMETYPES = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
ACCEPTED = "PDF, PNG, JPEG, TIFF, Word, Excel, PowerPoint or OpenDocument"


class UploadRejected(DomainError):
    code = "upload_rejected"


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


# Longer than the longest ODF mimetype: a `mimetype` entry is read no further.
MIMETYPE_READ_BYTES = 100


def _zip_office_type(uploaded) -> str | None:
    try:
        with zip_open(uploaded) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = zip_member_read(archive, "mimetype", MIMETYPE_READ_BYTES).decode("ascii", "replace").strip()
                return mimetype if mimetype in ODF_MIMETYPES else None
            if "[Content_Types].xml" in names:
                for prefix, content_type in OOXML.items():
                    if any(name.startswith(prefix) for name in names):
                        return content_type
    except ZIP_ERRORS:
        return None
    return None


def upload_check(uploaded, *, field: str = "file") -> CheckedUpload:
    """Return what the upload really is, or raise UploadRejected with a message for the person uploading."""
    size = uploaded.size
    if not size:
        raise UploadRejected(_("The file is empty."), fields={field: [_("The file is empty.")]})
    if size > MAX_UPLOAD_BYTES:
        message = _("The file is %(size).1f MB; the limit is %(limit)d MB.") % {"size": size / 1024 / 1024, "limit": MAX_UPLOAD_BYTES // 1024 // 1024}
        raise UploadRejected(message, fields={field: [message]})

    uploaded.seek(0)
    head = uploaded.read(16)
    content_type = next((ct for magic, ct in SIMPLE_SIGNATURES if head.startswith(magic)), None)
    if head.startswith(b"PK\x03\x04"):
        content_type = _zip_office_type(uploaded)
    if content_type is None:
        message = _("This file is not a %(accepted)s document (checked by its content, not its name).") % {"accepted": ACCEPTED}
        raise UploadRejected(message, fields={field: [message]})

    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(content_type=content_type, size=size, sha256=digest.hexdigest())


logger = logging.getLogger(__name__)


def document_store(document, uploaded, check, stored: list[str]):
    """Fill a document row (a condition's, an objection's: any model with the upload fields) from a checked upload,
    store its file under a name that never comes from the user, note that name in `stored` (for the removal on
    failure) and save the row."""
    document.original_name = (uploaded.name or "document")[-255:]
    document.content_type, document.size, document.sha256 = check.content_type, check.size, check.sha256
    document.file.save("upload", uploaded, save=False)
    stored.append(document.file.name)
    document.save()
    return document


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """The stored names of the files a write stores (document_store): removed again when the write fails, so a
    refused or rolled-back write leaves no file behind."""
    from django.core.files.storage import default_storage

    stored: list[str] = []
    try:
        yield stored
    except Exception:
        for name in stored:
            try:
                default_storage.delete(name)
            except OSError:
                logger.exception("could not delete stored file %s", name)
        raise
