"""
Reading uploaded ZIP archives (office documents, XLSX) within bounds. A ZIP says in its directory how large each
member expands; a bomb says a few hundred kilobytes expand to hundreds of megabytes (issue 23.7: a 298 KB upload
whose `mimetype` inflated to 300 MB grew a worker by 620 MB; an 82 KB XLSX with 2 million shared strings took 17 s).

The one home of those bounds: `zip_open` checks the directory before anything is inflated, and `zip_member_read`
reads at most what its caller asks. Python's zipfile stops inflating a member at the size its directory declares
(and fails the CRC check when the member lied), so checking the declared sizes bounds what is inflated.
"""
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext as _

from licensing.core.errors import DomainError

MB = 1024 * 1024
# What reading a broken or hostile ZIP can raise: bad structure, unsupported method, encryption, a truncated stream.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, EOFError, ValueError, RuntimeError, NotImplementedError, zlib.error)


@dataclass(frozen=True)
class ArchiveLimits:
    members: int = 2_000
    expanded_bytes: int = 200 * MB  # all members together
    # Office XML compresses 5 to 20 times; 100 and more is a bomb. Small members (a few KB of padding) may compress better.
    ratio: int = 100
    ratio_from_bytes: int = 1 * MB


OFFICE_DOCUMENT = ArchiveLimits()


class ArchiveRefused(DomainError):
    code = "archive_refused"


def _refuse(detail: str, field: str):
    message = _("This archive cannot be accepted: %(detail)s") % {"detail": detail}
    return ArchiveRefused(message, fields={field: [message]})


def zip_check(archive: zipfile.ZipFile, limits: ArchiveLimits = OFFICE_DOCUMENT, *, field: str = "file") -> None:
    """Refuse an archive whose directory declares more members, more bytes or a steeper compression than the limits."""
    members = archive.infolist()
    if len(members) > limits.members:
        raise _refuse(_("it holds more than %(count)d files.") % {"count": limits.members}, field)
    expanded = 0
    for member in members:
        expanded += member.file_size
        if expanded > limits.expanded_bytes:
            raise _refuse(_("it expands to more than %(mb)d MB.") % {"mb": limits.expanded_bytes // MB}, field)
        if member.file_size > limits.ratio_from_bytes and member.file_size > limits.ratio * max(member.compress_size, 1):
            raise _refuse(_("a part of it expands more than %(ratio)d times (a compression bomb).") % {"ratio": limits.ratio}, field)


@contextmanager
def zip_open(fileobj, limits: ArchiveLimits = OFFICE_DOCUMENT, *, field: str = "file"):
    """The checked archive (zipfile.BadZipFile if it is none)."""
    fileobj.seek(0)
    with zipfile.ZipFile(fileobj) as archive:
        zip_check(archive, limits, field=field)
        yield archive


def zip_member_read(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` bytes of the member, however far it would inflate."""
    with archive.open(name) as member:
        return member.read(limit)
