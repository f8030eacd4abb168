from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views import i18n

from licensing.accounts.models import User


@login_required
def home(request):
    if request.user.is_exporter:
        return redirect("exporter:list")
    if request.user.is_official:
        return redirect("office:queue")
    return render(request, "web/home.html")


def set_language(request):
    """Django's language switch, remembering a signed-in person's choice: their e-mails are then written in it."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response
