"""
The case's timeline as the pages write it (templates/includes/timeline.html, from licensing.casework.timeline),
kept in the shared cache under the newest event it shows (casework.timeline.timeline_version: every change it shows
records one), the reader's audience (an exporter's view or an official's: casework.timeline cuts nothing else per
person), the language, the time zone and the page it links documents from. Building and writing a 50-entry timeline
took a sixth of the case page's time, on every view of a case that had not changed.

What is not an event is the name of an official or exporter shown beside one: a renamed person's old name stays
until the case's next event or TIMELINE_CACHE_SECONDS. Inside a transaction it is written each time: a reader there
may see its own events, not yet committed.
"""
import hashlib

from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from licensing.applications.models import Application
from licensing.casework.timeline import case_timeline, timeline_version

TIMELINE_CACHE_SECONDS = 600


def timeline_html(request, application: Application, *, document_url: str) -> SafeString:
    """The timeline section of `application` as `request.user` may read it (the caller has checked that they see the
    case). `document_url`: the URL name serving the application's documents on this page."""
    user = request.user
    audience = "exporter" if user.is_exporter else "official" if user.is_official else None
    if audience is None or connection.in_atomic_block:
        return _written(request, application, document_url)
    read = (
        application.pk, application.created_at.isoformat(), audience, translation.get_language(),
        timezone.get_current_timezone_name(), document_url, timeline_version(application),
    )
    key = "timeline:" + hashlib.sha256(repr(read).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = _written(request, application, document_url)
        cache.set(key, str(html), TIMELINE_CACHE_SECONDS)
    return mark_safe(html)


def _written(request, application: Application, document_url: str) -> SafeString:
    context = {"timeline": case_timeline(application, request.user), "application": application, "document_url": document_url}
    return render_to_string("includes/timeline.html", context, request=request)
