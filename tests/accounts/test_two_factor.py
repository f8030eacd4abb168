"""Two-factor authentication: officers, advisors and administrators get nowhere with a password alone."""
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_totp.models import TOTPDevice

from licensing.accounts.otp import code_at, device_set
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, "12345678901234567890"
# Reachable by an unverified official: the code step itself and what it needs (logging out, language, health).
OPEN_PATHS = {"/login/otp/", "/logout/", "/i18n/setlang/", "/health/", TOKEN_URL}
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


@pytest.fixture(autouse=True)
def two_factor_on(settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off is tested upstream; here the lockout counts
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(params=["officer", "advisor", "administrator"])
def official(request):
    return request.getfixturevalue(request.param)


def every_path():
    """Every URL of the site with sample arguments: a new page is covered without touching this test."""

    def walk(patterns, prefix):
        for p in patterns:
            route = str(p.pattern)
            if "(?P<" in route or "(?:" in route:
                continue  # the admin's regex catch-alls; its index and model pages are covered by routes
            route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route.lstrip("^").rstrip("$").replace("\\", ""))
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                yield "/" + prefix + route

    return sorted(set(walk(get_resolver().url_patterns, "")))


def password_login(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_password_alone_reaches_no_page_and_no_api_call(official):
    client = password_login(official)
    paths = [p for p in every_path() if p not in OPEN_PATHS]
    assert len(paths) > 50 and "/office/" in paths and "/admin/" in paths and "/api/v1/office/queue/" in paths
    for path in paths:
        response = client.get(path)
        if path.startswith("/api/"):
            assert response.status_code == 403, path
            if response["Content-Type"].startswith("application/json"):  # not the HTML of the Swagger page
                assert response.json()["code"] == "otp_required", path
        else:
            assert response.status_code == 302, path
            location = urlsplit(response["Location"])
            assert location.path == "/login/otp/", path
    assert client.post("/office/applications/1/claim/").status_code == 302


def test_first_login_sets_up_the_app_and_then_every_page_opens(official, administrator):
    from licensing.accounts.services import enrolment_link_issue

    client = password_login(official)
    secret = enrolment_link_issue(user=official, issued_by=administrator)  # tests/accounts/test_enrolment.py
    assert client.get(f"/login/otp/?enrol={secret}&next=/office/").status_code == 302
    page = client.get("/login/otp/?next=/office/")
    html = page.content.decode()
    secret = re.search(r"data-otp-secret>([A-Z2-7]+)<", html).group(1)
    assert "otpauth://totp/Exportcontrole%3A" in html and f"secret={secret}" in html and "<svg" in html
    device = TOTPDevice.objects.get(user=official)
    assert not device.confirmed

    wrong = client.post("/login/otp/", {"code": "000000" if code_at(device) != "000000" else "111111", "next": "/office/"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    assert client.get("/office/").status_code == 302

    response = client.post("/login/otp/", {"code": code_at(device), "next": "/office/"})
    assert response.status_code == 302 and response["Location"] == "/office/"
    assert TOTPDevice.objects.get(user=official).confirmed
    assert client.get("/office/").status_code == 200
    assert client.get("/api/v1/office/queue/").status_code == 200


def test_an_enrolled_official_gives_the_code_and_sees_no_secret(officer):
    device = device_set(user=officer, key_hex=KEY)
    client = password_login(officer)
    page = client.get("/login/otp/").content.decode()
    assert "data-otp-secret" not in page and "otpauth://" not in page
    assert client.post("/login/otp/", {"code": code_at(device)}).status_code == 302
    assert client.get("/office/").status_code == 200


def test_a_used_code_cannot_be_used_again(officer):
    device = device_set(user=officer, key_hex=KEY)
    code = code_at(device)
    assert password_login(officer).post("/login/otp/", {"code": code}).status_code == 302
    again = password_login(officer)
    assert again.post("/login/otp/", {"code": code}).status_code == 200
    assert again.get("/office/").status_code == 302


def test_wrong_codes_count_towards_the_lockout_and_a_password_does_not_reset_them(officer, settings):
    device = device_set(user=officer, key_hex=KEY)
    wrong = "000000" if code_at(device) != "000000" else "111111"
    client = password_login(officer)
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD - 1):
        client = password_login(officer)  # the right password again does not clear the wrong codes
        assert client.post("/login/otp/", {"code": wrong}).status_code == 200
    locked = client.post("/login/otp/", {"code": wrong})
    assert locked.status_code == 302 and locked["Location"] == "/login/"
    assert "_auth_user_id" not in client.session
    refused = Client().post("/login/", {"username": officer.username, "password": PASSWORD})
    assert refused.status_code == 200  # the form again: locked out


def test_exporters_need_no_code(exporter_a):
    client = password_login(exporter_a)
    assert client.get("/applications/").status_code == 200
    assert not TOTPDevice.objects.filter(user=exporter_a).exists()


def test_with_the_setting_off_a_password_is_enough(officer, settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = False
    assert password_login(officer).get("/office/").status_code == 200


# --- API tokens


def test_token_for_an_official_needs_the_code_field(api_client, official):
    device_set(user=official, key_hex=KEY)
    response = api_client.post(TOKEN_URL, {"username": official.username, "password": PASSWORD}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "otp" in body["fields"] and "token" not in body


def test_token_with_a_valid_code_works(api_client, official):
    device = device_set(user=official, key_hex=KEY)
    response = api_client.post(TOKEN_URL, {"username": official.username, "password": PASSWORD, "otp": code_at(device)}, format="json")
    assert response.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/me/").json()["username"] == official.username


def test_token_without_a_device_says_to_set_one_up(api_client, officer):
    response = api_client.post(TOKEN_URL, {"username": officer.username, "password": PASSWORD, "otp": "123456"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "otp_not_set_up"


def test_wrong_token_codes_are_counted_until_locked_out(api_client, officer, settings):
    device = device_set(user=officer, key_hex=KEY)
    wrong = "000000" if code_at(device) != "000000" else "111111"
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        response = api_client.post(TOKEN_URL, {"username": officer.username, "password": PASSWORD, "otp": wrong}, format="json")
        assert response.status_code == 400 and response.json()["fields"]["otp"]
    right = api_client.post(TOKEN_URL, {"username": officer.username, "password": PASSWORD, "otp": code_at(device)}, format="json")
    assert right.status_code == 400 and "token" not in right.json()


def test_exporters_get_a_token_without_a_code(api_client, exporter_a):
    assert api_client.post(TOKEN_URL, {"username": "exporter_a", "password": PASSWORD}, format="json").status_code == 200


def test_an_unverified_session_is_not_let_through_by_another_authorization_scheme(officer):
    client = password_login(officer)
    response = client.get("/api/v1/office/queue/", HTTP_AUTHORIZATION="Basic b2ZmaWNlcjE6eA==")
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    assert client.get("/api/v1/office/queue/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_a_token_from_a_verified_login_works_beside_an_unverified_session(officer, api_client):
    device = device_set(user=officer, key_hex=KEY)
    token = api_client.post(TOKEN_URL, {"username": officer.username, "password": PASSWORD, "otp": code_at(device)}, format="json").json()["token"]
    client = password_login(officer)
    assert client.get("/api/v1/office/queue/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_the_code_step_stays_open_under_another_script_prefix(official):
    """The open paths are worked out once per script prefix, not once for the first request's prefix."""
    from django.urls import set_script_prefix

    device_set(user=official, key_hex=KEY)
    client = password_login(official)
    assert client.get("/login/otp/").status_code == 200
    set_script_prefix("/licensing/")  # as the WSGI handler does for a site served under /licensing (SCRIPT_NAME)
    try:
        assert client.get("/login/otp/", SCRIPT_NAME="/licensing").status_code == 200
        response = client.get("/office/", SCRIPT_NAME="/licensing")
    finally:
        set_script_prefix("/")
    assert response.status_code == 302 and urlsplit(response["Location"]).path == "/licensing/login/otp/"
    assert client.get("/login/otp/").status_code == 200


# Characters that Python's str.split() takes for whitespace but a byte split (DRF's reading of the header) does not:
# a middleware that read the header one way and an API that read it the other let a password-only session through.
UNICODE_SPACES = ["\u00a0", "\u0085", "\x1c", "\x1d", "\x1e", "\x1f"]
HEADERS = [f"Token{space}x" for space in UNICODE_SPACES] + [f"token{space}" for space in UNICODE_SPACES] + [
    "Bearer x",
    "Basic b2ZmaWNlcjE6eA==",
    "",
    "Token\u00a0",
    "Digest username=officer1",
    "Session x",
]


@pytest.mark.parametrize("header", HEADERS, ids=[repr(h) for h in HEADERS])
def test_no_authorization_header_lets_a_password_only_session_into_the_api(officer, header):
    client = password_login(officer)
    response = client.get("/api/v1/office/queue/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 403 and response.json()["code"] == "otp_required"


@pytest.mark.parametrize("space", ["\u00a0", "\u0085"])
def test_a_password_only_session_cannot_issue_a_licence_with_a_unicode_space_in_the_header(officer, exporter_a, submit, space):
    """The attack as found: log in with the password alone, then post a decision with `Authorization: Token<NBSP>x`."""
    from licensing.audit.models import Event
    from licensing.licences.models import Decision

    application = submit(exporter_a)
    client = password_login(officer)
    client.get("/")  # the CSRF cookie, as a browser has it
    csrf = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    response = client.post(
        f"/api/v1/office/applications/{application.pk}/decision/",
        {"outcome": "issued"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token{space}x",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    assert not Decision.objects.filter(application=application).exists()
    assert not Event.objects.filter(verb="application.issue").exists()


def test_a_verified_session_reaches_the_api(officer):
    device = device_set(user=officer, key_hex=KEY)
    client = password_login(officer)
    assert client.post("/login/otp/", {"code": code_at(device)}).status_code == 302
    assert client.get("/api/v1/office/queue/", HTTP_AUTHORIZATION="Token\u00a0x").status_code == 200


def test_every_api_url_authenticates_sessions_only_with_the_second_factor():
    """The second factor is enforced where the API accepts a session: every view under /api/ is a DRF view whose
    authenticators are the token and the verified session, nothing that reads a session without the code."""
    from rest_framework.views import APIView

    from licensing.api.authentication import CachedTokenAuthentication, VerifiedSessionAuthentication
    from licensing.customs.authentication import CustomsTokenAuthentication

    # The customs systems' machine tokens (customs API only) read a header, never a session.
    allowed = {CachedTokenAuthentication, VerifiedSessionAuthentication, CustomsTokenAuthentication}
    checked = 0
    for path in every_path():
        if not path.startswith("/api/"):
            continue
        match = get_resolver().resolve(path)
        view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
        assert view_class is not None and issubclass(view_class, APIView), path
        authenticators = {type(a) for a in view_class().get_authenticators()}
        assert authenticators and authenticators <= allowed, (path, authenticators)
        checked += 1
    assert checked > 50

