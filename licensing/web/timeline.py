"""
The parts of a case page that show its file, the timeline (templates/includes/timeline.html, from
licensing.casework.timeline) and, on an official's page, the questions-and-answers panel (includes/questions.html)
and the application as filed (includes/application_body.html: its documents, its routing and a catch-all change
only with an event, the rest not after submission), kept in the shared cache under the newest event they show
(casework.timeline.timeline_version: every change to them records one), the reader's audience (an exporter's view
or an official's: nothing else is cut per person), the language, the time zone and the page they link documents
from. Building and writing them took a fifth of the case page's time, on every view of a case that had not changed.

What is not an event is the name of an official or exporter shown beside one: a renamed person's old name stays
until the case's next event or CASE_FILE_CACHE_SECONDS. Inside a transaction they are written each time: a reader
there may see its own events, not yet committed. The exporter's questions carry answer forms (with the session's
CSRF token): their page writes them itself.
"""
from collections.abc import Callable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from licensing.applications.models import Application
from licensing.casework.timeline import case_timeline, timeline_version
from licensing.core.kept import committed_reads, kept_key

CASE_FILE_CACHE_SECONDS = 600


def case_file_html(request, application: Application, *, document_url: str, official_page: bool = False) -> dict[str, SafeString]:
    """{"timeline_html": the timeline section of `application` as `request.user` may read it} and, on an official's
    page (no answer form, no exporter's buttons), {"questions_html": the questions and their answers, "body_html":
    the application as filed (includes/application_body.html)}, from what the case's query read
    (applications.selectors.with_details). The caller has checked that the user sees the case; `document_url`: the
    URL name serving the application's documents on this page. One query and one cache read."""
    parts: dict[str, tuple[str, Callable[[], dict]]] = {"timeline_html": ("includes/timeline.html", lambda: {"timeline": case_timeline(application, request.user)})}
    if official_page:
        parts["questions_html"] = ("includes/questions.html", lambda: {"questions": list(application.questions.all())})
        parts["body_html"] = ("includes/application_body.html", dict)
    user = request.user
    audience = "exporter" if user.is_exporter else "official" if user.is_official else None
    if audience is None or not committed_reads():
        return {name: _written(request, application, template, document_url, context()) for name, (template, context) in parts.items()}
    read = (
        application.pk, application.created_at.isoformat(), audience, translation.get_language(), timezone.get_current_timezone_name(),
        document_url, timeline_version(application),
    )
    keys = {name: kept_key("case-file", (template, *read)) for name, (template, _) in parts.items()}
    kept = cache.get_many(list(keys.values()))
    written = {}
    for name, (template, context) in parts.items():
        if keys[name] not in kept:
            written[keys[name]] = kept[keys[name]] = str(_written(request, application, template, document_url, context()))
    if written:
        cache.set_many(written, CASE_FILE_CACHE_SECONDS)
    return {name: mark_safe(kept[keys[name]]) for name in parts}


def _written(request, application: Application, template: str, document_url: str, context: dict) -> SafeString:
    return render_to_string(template, {**context, "application": application, "document_url": document_url}, request=request)
