"""
Request-body limits, decided from the Content-Length header before any of the body is read.

Django checks DATA_UPLOAD_MAX_MEMORY_SIZE only on form fields and `request.body`: DRF reads JSON from the stream
unchecked, and a multipart upload is written whole to a temporary file before any view sees its size (issue 23.12:
a 2 GB upload filled the disk to be refused afterwards). Here the view says how large a body it takes (`body_limit`);
every other view takes a form or JSON body up to DATA_UPLOAD_MAX_MEMORY_SIZE, or an upload up to the documents'
limit. The reverse proxy and gunicorn bound the same in front (README, "Production shape"; config/gunicorn.py).
"""
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from .errors import error_body

# Multipart framing and the other form fields around a file.
MULTIPART_OVERHEAD = 1024 * 1024
# An uploaded document (licensing.applications.uploads checks the file itself against the same figure).
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def body_limit(max_bytes: int):
    """Mark a view (function, class or viewset action) as taking a body of up to `max_bytes` (plus multipart framing)."""

    def mark(view):
        view.request_body_limit = max_bytes + MULTIPART_OVERHEAD
        return view

    return mark


def default_limit(content_type: str) -> int:
    if content_type.startswith("multipart/"):
        return DOCUMENT_MAX_BYTES + MULTIPART_OVERHEAD
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def view_limit(path: str, method: str) -> int | None:
    """The limit the view at this path declares, if it declares one."""
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    limit = getattr(view, "request_body_limit", None)
    cls = getattr(view, "cls", None)  # DRF: as_view() keeps the class, and a viewset its method -> action map
    if limit is None and cls is not None:
        action = (getattr(view, "actions", None) or {}).get(method.lower())
        limit = getattr(getattr(cls, action, None), "request_body_limit", None) if action else None
        limit = limit or getattr(cls, "request_body_limit", None)
    return limit


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
        except ValueError:
            length = -1
        if length < 0:
            return self.refuse(request, 400, _("The request's Content-Length is not a number."))
        if length:
            limit = view_limit(request.path_info, request.method) or default_limit(request.META.get("CONTENT_TYPE", ""))
            if length > limit:
                message = _("The request is %(size)s bytes; this address takes at most %(limit)s.") % {"size": length, "limit": limit}
                return self.refuse(request, 413, message)
        return self.get_response(request)

    @staticmethod
    def refuse(request, status: int, message: str):
        # The body is left unread; the connection is closed so its rest is not taken for the next request.
        if request.path_info.startswith("/api/"):
            response = JsonResponse(error_body(status, "too_large" if status == 413 else "bad_request", message), status=status)
        else:
            response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        response["Connection"] = "close"
        return response
