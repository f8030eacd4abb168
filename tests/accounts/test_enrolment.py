"""An official sets up an authenticator app only with a one-time link an administrator issued (issue 23, point 12: a
password alone set up a new app, after an administrator had removed the lost one, or on a new account)."""
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from licensing.accounts.models import EnrolmentLink
from licensing.accounts.otp import code_at, code_next, device_set
from licensing.accounts.services import enrolment_link_issue
from licensing.audit.models import Event
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

KEY = "3132333435363738393031323334353637383930"


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(administrator):
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    device = device_set(user=administrator, key_hex=KEY)
    client = password_login(administrator)
    assert client.post("/login/otp/", {"code": code_next(device)}).status_code == 302
    return client


def password_login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def shows_no_secret(response) -> bool:
    html = response.content.decode()
    return response.status_code == 403 and "data-no-app" in html and "data-otp-secret" not in html and "otpauth://" not in html


def test_a_password_alone_does_not_set_up_an_app_on_a_new_account(officer):
    client = password_login(officer)
    assert shows_no_secret(client.get("/login/otp/"))
    assert shows_no_secret(client.post("/login/otp/", {"code": "123456"}))
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert client.get("/office/").status_code == 302


def test_after_an_administrator_removed_the_app_a_password_alone_does_not_set_up_another(officer):
    """The attack: the official's phone is stolen with the password; the administrator removes the app; the thief
    logs in with the password and was shown a fresh key to bind to his own phone."""
    device_set(user=officer, key_hex=KEY).delete()
    thief = password_login(officer)
    assert shows_no_secret(thief.get("/login/otp/?next=/office/"))
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert thief.get("/api/v1/office/queue/").status_code == 403


def test_the_administrators_link_sets_up_the_app_once(officer, admin_client):
    page = admin_client.post("/admin/accounts/user/", {"action": "issue_enrolment_link", "_selected_action": [officer.pk]})
    assert page.status_code == 200
    link = re.search(r"<code data-enrolment-link>([^<]+)</code>", page.content.decode()).group(1)
    assert link.startswith("http://testserver/login/otp/?enrol=")
    assert Event.objects.filter(verb="user.enrolment_link_issued", target_id=str(officer.pk)).exists()
    path = link.removeprefix("http://testserver")

    # Not logged in: the login page first, then back to the link.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    to_login = client.get(path)
    assert to_login.status_code == 302 and to_login["Location"].startswith("/login/")
    assert client.post("/login/", {"username": officer.username, "password": PASSWORD}).status_code == 302
    opened = client.get(path)
    assert opened.status_code == 302 and "enrol" not in opened["Location"]  # the secret leaves the address bar
    html = client.get(opened["Location"]).content.decode()
    secret = re.search(r"data-otp-secret>([A-Z2-7]+)<", html).group(1)
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post("/login/otp/", {"code": code_at(device)}).status_code == 302
    assert TOTPDevice.objects.get(user=officer).confirmed and secret
    assert client.get("/office/").status_code == 200
    assert EnrolmentLink.objects.get(user=officer).used_at is not None

    # Spent: after the app is removed again, the same link sets up nothing.
    TOTPDevice.objects.filter(user=officer).delete()
    again = password_login(officer)
    again.get(path)
    assert shows_no_secret(again.get("/login/otp/"))


@pytest.mark.parametrize("problem", ["expired", "another_account", "replaced", "garbled"])
def test_a_link_that_does_not_fit_sets_up_nothing(officer, advisor, administrator, problem):
    secret = enrolment_link_issue(user=advisor if problem == "another_account" else officer, issued_by=administrator)
    if problem == "expired":
        EnrolmentLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    elif problem == "replaced":
        enrolment_link_issue(user=officer, issued_by=administrator)
    elif problem == "garbled":
        secret = secret[:-1] + "\u00a0\x00" + "ℯ" * 500
    client = password_login(officer)
    response = client.get("/login/otp/", {"enrol": secret}, follow=True)
    assert "This set-up link cannot be used" in response.content.decode()
    assert shows_no_secret(client.get("/login/otp/"))
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_a_key_shown_before_the_link_is_not_the_one_set_up(officer, administrator):
    """An unconfirmed device someone may have seen (before links existed) is replaced when the link is followed."""
    seen = TOTPDevice.objects.create(user=officer, name="Authenticator app", confirmed=False)
    client = password_login(officer)
    client.get("/login/otp/", {"enrol": enrolment_link_issue(user=officer, issued_by=administrator)})
    client.get("/login/otp/")
    assert not TOTPDevice.objects.filter(pk=seen.pk).exists()
    device = TOTPDevice.objects.get(user=officer)
    assert device.key != seen.key
    assert client.post("/login/otp/", {"code": code_at(seen)}).status_code == 200  # the old key's code: refused
    assert not TOTPDevice.objects.get(user=officer).confirmed


def test_the_link_is_spent_once_even_by_two_confirmations(officer, administrator):
    from licensing.accounts.otp import otp_check

    client = password_login(officer)
    client.get("/login/otp/", {"enrol": enrolment_link_issue(user=officer, issued_by=administrator)})
    client.get("/login/otp/")
    link = EnrolmentLink.objects.get(user=officer)
    EnrolmentLink.objects.filter(pk=link.pk).update(used_at=timezone.now())  # the other confirmation won
    device = TOTPDevice.objects.get(user=officer)
    assert otp_check(user=officer, code=code_at(device), enrolment_link=link) is None
    assert not TOTPDevice.objects.get(user=officer).confirmed


def test_the_first_administrator_of_a_new_install_gets_a_link_from_the_command_line(administrator):
    """createsuperuser makes an official without an app, who cannot reach the admin to issue a link: the command does."""
    import io

    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("enrolment_link", administrator.username, "--base-url", "https://licensing.example/", stdout=out, stderr=io.StringIO())
    link = out.getvalue().strip()
    assert link.startswith("https://licensing.example/login/otp/?enrol=")
    client = password_login(administrator)
    client.get(link.removeprefix("https://licensing.example"))
    html = client.get("/login/otp/").content.decode()
    assert "data-otp-secret" in html
    assert client.post("/login/otp/", {"code": code_at(TOTPDevice.objects.get(user=administrator))}).status_code == 302
    with pytest.raises(CommandError, match="not an official"):
        from tests.factories import UserFactory

        call_command("enrolment_link", UserFactory().username, stdout=io.StringIO(), stderr=io.StringIO())
