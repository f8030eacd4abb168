"""Test settings: the same settings, with a throwaway key and a fast password hasher."""
import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret")
# In the environment, not only in the settings: the gunicorn and Celery processes the tests start inherit it and
# must extend the same audit chain.
os.environ.setdefault("AUDIT_HMAC_KEY", "tests-only-audit-key")

# The tests' seal: a demo certificate of their own (media-test/ is the tests' scratch directory, ignored by git),
# written once; tests/licences/test_sealed_documents.py proves the signatures with it.
_SIGNING = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "media-test", "signing")
os.environ.setdefault("SIGNING_CERT_PATH", os.path.join(_SIGNING, "test-certificate.pem"))
os.environ.setdefault("SIGNING_KEY_PATH", os.path.join(_SIGNING, "test-key.pem"))

from config.settings import *  # noqa: E402,F401,F403
from licensing.core.signing import demo_certificate_write  # noqa: E402

demo_certificate_write(os.environ["SIGNING_CERT_PATH"], os.environ["SIGNING_KEY_PATH"], debug=True)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
MEDIA_ROOT = BASE_DIR / "media-test"  # noqa: F405
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
# The suite logs officials in with client.login / force_login / tokens; tests/accounts turn two-factor back on.
OTP_REQUIRED_FOR_OFFICIALS = False
# Many tests move the clock days ahead (deadlines, expiry) with tokens issued before; tests/api/test_token_lifetime.py
# sets the lifetime it proves.
API_TOKEN_TTL_HOURS = 24 * 365 * 10
