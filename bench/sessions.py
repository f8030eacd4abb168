"""Signed-in sessions of the bench's users (no side effects on import: benchmarks.py and generate.py both use it)."""


def signed_in_session(user) -> str:
    """A fresh signed-in session of `user` for the page benchmarks (an official's past the second factor).

    Made again at the start of every benchmark run: sessions end after SESSION_IDLE_SECONDS unused.
    """
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(7 * 24 * 3600)
    if "django_otp" in settings.INSTALLED_APPS and user.needs_second_factor:
        # Officials need a second factor: the session is one that has given a code (as django_otp.login marks it).
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return session.session_key
