from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views import i18n

from licensing.accounts.models import ADVICE_BODY_ROLES, Role, User
from licensing.core.errors import error_body


@login_required
def home(request):
    if request.user.is_exporter:
        return redirect("exporter:list")
    if request.user.is_official:
        return redirect("office:queue")
    if request.user.has_role(Role.CUSTOMS):
        return redirect("customs:check")
    if request.user.has_role(*ADVICE_BODY_ROLES):
        return redirect("advice:queue")
    return render(request, "web/home.html")


def set_language(request):
    """Django's language switch, remembering a signed-in person's choice: their e-mails are then written in it."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


# Error pages: in the site's layout and the reader's language; the API's paths answer in the API's JSON shape.
_ERROR_TITLES = {
    403: gettext_lazy("You may not see this page"),
    404: gettext_lazy("Page not found"),
    500: gettext_lazy("Sorry, something went wrong on our side"),
}


def _error_page(request, status: int, code: str):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(status, code, str(_ERROR_TITLES[status])), status=status)
    return render(request, f"{status}.html", {"title": _ERROR_TITLES[status]}, status=status)


def page_not_found(request, exception=None):
    return _error_page(request, 404, "not_found")


def permission_denied(request, exception=None):
    return _error_page(request, 403, "forbidden")


def server_error(request):
    """The 500 page; drawn without the database (it may be what failed), and plain text if even that fails."""
    try:
        return _error_page(request, 500, "server_error")
    except Exception:  # noqa: BLE001 - the last resort must not raise
        return HttpResponseServerError("Server error / Serverfout", content_type="text/plain; charset=utf-8")
