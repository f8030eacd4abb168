"""Too many failed logins lock the username out, on the web and for API tokens alike."""
import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_five_failures_lock_the_token_endpoint_even_with_the_right_password(api_client, exporter_a, settings):
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        assert api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": "guess"}, format="json").status_code == 400
    locked = api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": PASSWORD}, format="json")
    assert locked.status_code in (400, 403) and "token" not in locked.json()


def test_web_login_is_locked_too_and_other_users_are_not(exporter_a, exporter_b, settings):
    client = Client()
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD):
        client.post("/login/", {"username": "EXPORTER_A", "password": "guess"})
    assert client.post("/login/", {"username": "exporter_a", "password": PASSWORD}).status_code == 200  # form shown again: refused
    assert "_auth_user_id" not in client.session
    assert Client().post("/login/", {"username": "exporter_b", "password": PASSWORD}).status_code == 302


def test_a_success_before_the_threshold_resets_the_count(api_client, exporter_a, settings):
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD - 1):
        api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": "guess"}, format="json")
    assert api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": PASSWORD}, format="json").status_code == 200
    for _ in range(settings.LOGIN_LOCKOUT_THRESHOLD - 1):
        api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": "guess"}, format="json")
    assert api_client.post("/api/v1/auth/token/", {"username": "exporter_a", "password": PASSWORD}, format="json").status_code == 200


def test_parallel_wrong_passwords_cannot_race_past_the_limit(settings, monkeypatch):
    """Issue 23, point 12: the count was read before the password check and raised after it, so requests sent at once
    all found it below the limit and all had their password tried. Here every attempt in flight is held inside the
    password check until all have either reached it or been refused: only LOGIN_LOCKOUT_THRESHOLD may reach it."""
    import threading

    from django.contrib.auth.backends import ModelBackend
    from django.core.exceptions import PermissionDenied

    from licensing.accounts.lockout import LockoutBackend

    attempts = 20
    checked, refused = [], []
    lock, all_arrived = threading.Lock(), threading.Event()

    def arrived(bucket):
        with lock:
            bucket.append(1)
            if len(checked) + len(refused) == attempts:
                all_arrived.set()

    def password_check(self, request, username=None, password=None, **kwargs):
        arrived(checked)
        all_arrived.wait(30)  # the others run meanwhile; on the old code they all get here

    monkeypatch.setattr(ModelBackend, "authenticate", password_check)

    def attempt():
        try:
            LockoutBackend().authenticate(None, username="exporter_a", password="guess")
        except PermissionDenied:  # refused without a password check
            arrived(refused)

    threads = [threading.Thread(target=attempt) for _ in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(checked) == settings.LOGIN_LOCKOUT_THRESHOLD and len(refused) == attempts - settings.LOGIN_LOCKOUT_THRESHOLD


def test_a_two_factor_code_is_counted_before_it_is_checked(officer, monkeypatch):
    """The same race at the code step: the attempt must already be on the count when the code is compared, so codes
    sent at once cannot all be compared (the code step shares `attempt_begin` with the password check above)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from licensing.accounts import lockout
    from licensing.accounts.otp import device_set, otp_check

    device_set(user=officer, key_hex="3132333435363738393031323334353637383930")
    count_when_compared = []

    def compare(self, token):
        count_when_compared.append(cache.get(lockout._key(officer.username)))
        return False

    monkeypatch.setattr(TOTPDevice, "verify_token", compare)
    assert otp_check(user=officer, code="123456") is None
    assert otp_check(user=officer, code="654321") is None
    assert count_when_compared == [1, 2]
