import pytest
from django.core.management import call_command
from django.test import Client

from licensing.accounts.models import Organisation, User
from licensing.demo.data import DEMO_PASSWORD


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_accounts_can_log_in(settings, tmp_path, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Organisation.objects.count() == 2
    roles = sorted(User.objects.values_list("role", flat=True))
    assert roles == sorted(["exporter", "exporter", "officer", "officer", "advisor", "advisor", "administrator", "customs", "defence", "economic_affairs", "intelligence"])
    assert Client().login(username="officer1", password=DEMO_PASSWORD)
    assert User.objects.get(username="exporter_a").organisation != User.objects.get(username="exporter_b").organisation
    from licensing.applications.models import Application
    from licensing.denials.models import DenialRegisterEntry

    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == ["draft", "in_review", "in_review", "issued", "ruled"]  # loaded once, not twice
    assert DenialRegisterEntry.objects.filter(own=False).count() == 3
    from licensing.licences.models import LicenceCondition

    # The demo licence carries standard conditions to meet (fixtures/reference/standard_texts.yaml).
    assert sorted(LicenceCondition.objects.values_list("obligation", flat=True)) == ["delivery_verification", "no_reexport"]
    # The demo exporter's address book and goods library, once, one item linked to the ruling of its classification request.
    from licensing.applications.models import AddressBookEntry, LibraryItem

    exporter = User.objects.get(username="exporter_a")
    assert AddressBookEntry.objects.filter(organisation=exporter.organisation).count() == 5
    assert LibraryItem.objects.filter(organisation=exporter.organisation).count() == 3
    ruled = LibraryItem.objects.get(ruling__isnull=False)
    assert (ruled.ruling.status, ruled.ruling.decision.ruling_entry) == ("ruled", "6A003.b.4")


@pytest.mark.django_db
def test_load_demo_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", verbosity=0)
