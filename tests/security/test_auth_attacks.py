"""The attacker's suite on every way in (issue 23, points 11 and 12): the token endpoint, token authentication,
session authentication, the login form, the code step and the admin's login, each fed the header and encoding tricks
that make two readers of one input disagree: Unicode spaces and look-alike letters in the scheme, the username and
the token, NUL, overlong values, mixed case, a revoked or expired token, a token beside another person's session.

Each trick must be refused (or, for what the standards make equivalent, such as the scheme's case, accepted as the
same thing), never answered with a 500, and never let anyone in as someone else. These run in process on every
database; `test_production_attacks.py` sends what only raw HTTP can carry (duplicate and overlong headers, NUL and
non-UTF-8 bytes) to gunicorn without DEBUG.
"""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from licensing.accounts.otp import code_at, device_set
from licensing.api.services import token_issue
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
KEY = "3132333435363738393031323334353637383930"
# Spaces Python's str.split() sees but a byte split does not, zero-width characters, and the look-alikes.
UNICODE_SPACES = ["\u00a0", "\u0085", "\u2007", "\u202f", "\u3000", "\x1c", "\x1f"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
CYRILLIC = str.maketrans({"e": "е", "o": "о", "a": "а", "p": "р", "c": "с", "x": "х"})
FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@pytest.fixture(autouse=True)
def fresh(settings):
    settings.OTP_REQUIRED_FOR_OFFICIALS = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.LOGIN_LOCKOUT_THRESHOLD = 1000  # these tests count outcomes, not the lockout (tests/api/test_lockout.py)
    cache.clear()
    yield
    cache.clear()


def as_wsgi(value: str) -> str:
    """A header as a WSGI server hands it to Django: the client's UTF-8 bytes, read as Latin-1 (PEP 3333)."""
    return value.encode("utf-8").decode("latin-1")


def me(authorization: str | None = None, client=None):
    client = client or APIClient(HTTP_ACCEPT_LANGUAGE="en")
    extra = {} if authorization is None else {"HTTP_AUTHORIZATION": as_wsgi(authorization)}
    return client.get("/api/v1/me/", **extra)


# --- Token authentication ---------------------------------------------------------------------------------------


def token_variants(key: str) -> dict[str, str]:
    """Authorization values that must NOT authenticate with `key`."""
    variants = {
        "cyrillic scheme": f"Тoken {key}",
        "fullwidth scheme": f"{'Token'.translate(FULLWIDTH)} {key}",
        "upper-case key": f"Token {key.upper()}",
        "look-alike in key": f"Token {key.translate(CYRILLIC)}" if key.translate(CYRILLIC) != key else f"Token {key[:-1]}е",
        "NUL after key": f"Token {key}\x00",
        "NUL in key": f"Token {key[:20]}\x00{key[20:]}",
        "extra word": f"Token {key} {key}",
        "comma pair": f"Token {key},Token {key}",
        "scheme only": "Token",
        "key only": key,
        "overlong key": f"Token {key}{'a' * 20000}",
        "prefix of key": f"Token {key[:39]}",
        "quoted key": f'Token "{key}"',
        "Bearer": f"Bearer {key}",
    }
    for space in UNICODE_SPACES:
        variants[f"scheme joined by U+{ord(space):04X}"] = f"Token{space}{key}"
    for zero in ZERO_WIDTH:
        variants[f"U+{ord(zero):04X} in key"] = f"Token {key[:10]}{zero}{key[10:]}"
        variants[f"U+{ord(zero):04X} before scheme"] = f"{zero}Token {key}"
    return variants


@pytest.mark.parametrize("trick", sorted(token_variants("0" * 40)))
def test_a_disguised_token_authenticates_nobody(exporter_a, trick):
    """A NUL in the token made PostgreSQL's driver raise: a 500 for any server that passes the byte on."""
    key = token_issue(user=exporter_a).key
    response = me(token_variants(key)[trick])
    assert response.status_code in (401, 403), (trick, response.status_code)
    assert response.json()["code"] in ("authentication_failed", "not_authenticated")


@pytest.mark.parametrize("scheme", ["Token", "token", "TOKEN", "tOkEn"])
def test_the_scheme_is_case_insensitive_as_http_says_and_the_key_is_not(exporter_a, scheme):
    key = token_issue(user=exporter_a).key
    assert me(f"{scheme} {key}").json()["username"] == "exporter_a"
    assert me(f"{scheme}  {key}  ").json()["username"] == "exporter_a"  # ASCII spaces: the same header to every reader


def test_a_revoked_or_expired_token_is_refused_and_not_replaced_by_the_session(exporter_a, exporter_b, settings, monkeypatch):
    """A bad token never falls back to a session in the same request: 401, even with a valid session cookie."""
    session = Client()
    session.force_login(exporter_b)
    revoked = token_issue(user=exporter_a).key
    token_issue(user=exporter_a)  # a new login rotates it
    response = session.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {revoked}")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"

    current = exporter_a.auth_token.key
    later = timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS, seconds=1)
    monkeypatch.setattr("licensing.api.services.timezone.now", lambda: later)
    response = session.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {current}")
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_a_token_beside_another_persons_session_acts_as_the_token_and_nothing_more(exporter_a, exporter_b, officer):
    session = Client(enforce_csrf_checks=True)
    session.force_login(officer)  # a password-only official session: the token does not borrow its role
    key = token_issue(user=exporter_b).key
    response = session.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.json()["username"] == "exporter_b"
    assert session.get("/api/v1/office/queue/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 403


# --- The token endpoint -------------------------------------------------------------------------------------------


def username_variants(username: str) -> dict[str, str]:
    variants = {
        "cyrillic look-alike": username.translate(CYRILLIC),
        "fullwidth": username.translate(FULLWIDTH),
        "NUL": f"{username}\x00",
        "overlong": username + "a" * 100_000,
        "zero-width inside": f"{username[:3]}\u200b{username[3:]}",
        "combining accent": f"{username}\u0301",
    }
    for space in UNICODE_SPACES:
        variants[f"trailing U+{ord(space):04X}"] = f"{username}{space}"
    return variants


def post_token(username, password):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")


def post_form(path, username, password) -> Client:
    client = Client()
    client.post(path, {"username": username, "password": password})
    return client


def gets_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("trick", sorted(username_variants("exporter_a")))
def test_the_token_endpoint_lets_a_disguised_username_in_as_nobody_else_and_it_shares_the_lockout(exporter_a, exporter_b, trick, settings):
    """A disguise either gets nothing, or is the same name to every reader (surrounding spaces are trimmed): then it
    is that person, and its wrong passwords count on that person's lockout, so disguises buy no fresh guesses."""
    disguised = username_variants("exporter_a")[trick]
    response = post_token(disguised, PASSWORD)
    if response.status_code != 200:
        assert response.status_code == 400 and "token" not in response.json()
        return
    assert me(f"Token {response.json()['token']}").json()["username"] == "exporter_a"
    settings.LOGIN_LOCKOUT_THRESHOLD = 3
    for _ in range(3):
        assert post_token(disguised, "wrong password").status_code == 400
    assert post_token("exporter_a", PASSWORD).status_code == 400  # locked, by the disguise's failures
    assert post_token("exporter_b", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"username": ["exporter_a"], "password": PASSWORD},
        {"username": {"$ne": ""}, "password": PASSWORD},
        {"username": "exporter_a", "password": [PASSWORD]},
        {"username": "exporter_a", "password": f"{PASSWORD}\x00"},
        {"username": "exporter_a", "password": PASSWORD + "x" * 100_000},
        {"username": None, "password": None},
    ],
    ids=["list username", "object username", "list password", "NUL password", "overlong password", "nulls"],
)
def test_the_token_endpoint_refuses_odd_shapes(exporter_a, body):
    response = APIClient().post(TOKEN_URL, body, format="json")
    assert response.status_code == 400 and "token" not in response.json()


@pytest.mark.parametrize("code", ["１２３４５６", "١٢٣٤٥٦", "¹²³⁴⁵⁶", "12345\x00", "1" * 100, "123 456\u200b", "-12345", "+12345", "0x1e240"])
def test_an_officials_token_needs_the_code_itself_not_a_look_alike(officer, code):
    device_set(user=officer, key_hex=KEY)
    response = APIClient().post(TOKEN_URL, {"username": officer.username, "password": PASSWORD, "otp": code}, format="json")
    assert response.status_code == 400 and "token" not in response.json()


def test_an_officials_code_in_other_digits_is_not_taken_for_it(officer):
    """The app shows ASCII digits; Arabic-Indic or fullwidth digits of the right code are not accepted as it."""
    device = device_set(user=officer, key_hex=KEY)
    right = code_at(device)
    for digits in (0x0660, 0xFF10):
        disguised = "".join(chr(digits + int(c)) for c in right)
        response = APIClient().post(TOKEN_URL, {"username": officer.username, "password": PASSWORD, "otp": disguised}, format="json")
        assert response.status_code == 400 and "token" not in response.json()


# --- The login form, the admin's login, the code step -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
@pytest.mark.parametrize("trick", sorted(username_variants("officer1")))
def test_the_login_pages_let_a_disguised_username_in_as_nobody_else_and_it_shares_the_lockout(officer, path, trick, settings):
    """The login form folds a name to NFKC (fullwidth letters are the ASCII ones) and trims it: such a disguise is the
    same person, whose lockout it must then share; any other gets the form again."""
    officer.is_staff = True
    officer.save()
    disguised = username_variants("officer1")[trick]
    client = post_form(path, disguised, PASSWORD)
    if gets_in_as(client) is None:
        return
    assert gets_in_as(client) == str(officer.pk)
    settings.LOGIN_LOCKOUT_THRESHOLD = 3
    for _ in range(3):
        assert gets_in_as(post_form(path, disguised, "wrong password")) is None
    assert gets_in_as(post_form(path, "officer1", PASSWORD)) is None  # locked, by the disguise's failures


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_the_admins_login_with_a_password_alone_reaches_only_the_code_step(officer, path):
    officer.is_staff = officer.is_superuser = True
    officer.save()
    device_set(user=officer, key_hex=KEY)
    client = Client()
    assert client.post(path, {"username": "officer1", "password": PASSWORD}).status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/otp/")


@pytest.mark.parametrize("code", ["１２３４５６", "١٢٣٤٥٦", "¹²³⁴⁵⁶", "12345\x00", "1" * 12, "\u200b123456", "123456" + "\u00a0" * 6])
def test_the_code_step_takes_no_look_alike_and_counts_every_wrong_code(officer, code, settings):
    device = device_set(user=officer, key_hex=KEY)
    client = Client()
    client.post("/login/", {"username": "officer1", "password": PASSWORD})
    if code.strip("\u00a0\u200b") == code_at(device):
        pytest.skip("the random code happens to be the right one")
    response = client.post("/login/otp/", {"code": code})
    assert response.status_code == 200 and client.get("/office/").status_code == 302


def test_the_code_step_for_an_official_without_an_app_shows_no_key_whatever_it_is_sent(officer):
    client = Client()
    client.post("/login/", {"username": "officer1", "password": PASSWORD})
    for query in ({"enrol": ""}, {"enrol": "\x00"}, {"enrol": "a" * 100_000}, {"enrol": ["x", "y"]}, {"next": "//evil.example/"}):
        response = client.get("/login/otp/", query, follow=True)
        assert "data-otp-secret" not in response.content.decode()
    assert not TOTPDevice.objects.filter(user=officer).exists()
