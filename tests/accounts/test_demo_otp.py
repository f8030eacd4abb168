"""The demo officials have authenticator apps with fixed, published secrets; `demo_otp` shows their codes."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from licensing.accounts.models import User
from licensing.demo.data import DEMO_PASSWORD, demo_load

pytestmark = pytest.mark.django_db


def test_demo_officials_customs_and_the_other_bodies_have_one_app_each_and_exporters_none(settings):
    demo_load()
    demo_load()  # idempotent: still one device each, same secret
    devices = TOTPDevice.objects.filter(confirmed=True)
    assert sorted(devices.values_list("user__username", flat=True)) == ["admin", "advisor1", "advisor2", "customs1", "defence1", "ez1", "intel1", "officer1", "officer2"]
    assert len(set(devices.values_list("key", flat=True))) == 9


def test_demo_otp_prints_a_code_that_logs_the_officer_in(settings):
    settings.DEBUG = True
    settings.OTP_REQUIRED_FOR_OFFICIALS = True
    demo_load()
    out = StringIO()
    call_command("demo_otp", "officer1", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    client = Client()
    client.post("/login/", {"username": "officer1", "password": DEMO_PASSWORD})
    assert client.post("/login/otp/", {"code": code}).status_code == 302
    assert client.get("/office/").status_code == 200


def test_demo_otp_refuses_without_debug_and_for_exporters(settings):
    demo_load()
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_otp", "officer1", stdout=StringIO())
    settings.DEBUG = True
    with pytest.raises(CommandError):
        call_command("demo_otp", "exporter_a", stdout=StringIO())
    assert User.objects.filter(username="exporter_a").exists()
