"""The second login step for officials: a code from the authenticator app, or setting one up the first time."""
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .lockout import is_locked
from .otp import confirmed_device, device_for_enrolment, otp_check, otp_verified, secret_base32
from .services import enrolment_link_open, enrolment_link_valid

# The session remembers the administrator's enrolment link the official followed (its id; the secret stays in the link).
ENROLMENT_LINK = "otp_enrolment_link"


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked_out(request):
    logout(request)
    messages.error(request, _("Too many wrong codes. Try again later."))
    return redirect("login")


@login_required
def otp_step(request):
    next_url = _next_url(request)
    if otp_verified(request):
        return redirect(next_url)
    user = request.user
    if is_locked(user.get_username()):
        return _locked_out(request)
    if "enrol" in request.GET:
        # The administrator's link: remembered in the session, then out of the address bar (and of any Referer).
        link = enrolment_link_open(user=user, secret=request.GET["enrol"][:200])
        if link is None:
            messages.error(request, _("This set-up link cannot be used: it has expired, has been used already, or is for another account."))
        else:
            request.session[ENROLMENT_LINK] = link.pk
        return redirect(f"{request.path}?{urlencode({'next': next_url})}")
    link = None
    if confirmed_device(user) is None:
        link = enrolment_link_valid(user=user, link_id=request.session.get(ENROLMENT_LINK))
        if link is None:
            return render(request, "web/otp_no_app.html", status=403)
    enrolling = link is not None
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp_check(user=user, code=form.cleaned_data["code"], request=request, enrolment_link=link):
            request.session.pop(ENROLMENT_LINK, None)
            return redirect(next_url)
        if is_locked(user.get_username()):
            return _locked_out(request)
        form.add_error("code", _("This code is not right, or has been used already. Enter the code your app shows now."))
    context = {"form": form, "next": next_url, "enrolling": enrolling}
    if enrolling:
        device = device_for_enrolment(user=user)
        context.update(
            secret=secret_base32(device),
            otpauth_uri=device.config_url,
            qr_svg=segno.make(device.config_url, micro=False).svg_inline(scale=4, light="#fff", title=_("QR code for your authenticator app")),
        )
    return render(request, "web/otp.html", context)
