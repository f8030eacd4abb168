"""Migration 0004 folds stored names again with the shared normaliser (names-v2), so a list imported before the
upgrade is found by the new keys and a dismissed false positive stays dismissed."""
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from licensing.screening import selectors
from licensing.screening.matching import name_key
from licensing.screening.models import EntryName, NameGram, ScreeningHit
from licensing.screening.cases import party_key

pytestmark = pytest.mark.django_db
rekey = importlib.import_module("licensing.screening.migrations.0004_names_v2_rekey").rekey


def test_stale_keys_are_folded_again_and_the_listed_name_is_found(eu_list):
    name = EntryName.objects.get(name="Rosoboronexport")
    # As names-v1 stored it: legal-form words kept, nothing found for the look-alike spelling below.
    EntryName.objects.filter(pk=name.pk).update(normalised="stale key", skeleton="stl k")
    NameGram.objects.filter(name_id=name.pk).delete()
    rekey(apps, SimpleNamespace(connection=connection))  # the migration reads only the editor's connection
    name.refresh_from_db()
    assert (name.normalised, name.skeleton) == (name_key(name.name).key, name_key(name.name).skeleton)
    if connection.vendor != "postgresql":
        assert NameGram.objects.filter(name_id=name.pk).exists()
    assert "900101" in [m.reference for m in selectors.name_matches("R\u043es\u043eb\u043er\u043en\u0435x\u0440\u043ert")]


def test_the_false_positive_memory_keys_are_folded_again(eu_list, exporter_a, submit):
    from .conftest import parties

    application = submit(exporter_a, destinations=["NO"], parties=parties(consignee=("АО Рособоронэкспорт", "NO")))
    hit = ScreeningHit.objects.get(application=application)
    ScreeningHit.objects.filter(pk=hit.pk).update(party_key="0" * 64)
    rekey(apps, SimpleNamespace(connection=connection))  # the migration reads only the editor's connection
    hit.refresh_from_db()
    assert hit.party_key == party_key("АО Рособоронэкспорт", "NO")


def test_names_v3_folds_stored_names_again(eu_list):
    """0008: a listed name whose key names-v3 folds differently (a word-initial x before a vowel) is found by the
    new key once the migration has run, as 0004 did for names-v2."""
    rekey_v3 = importlib.import_module("licensing.screening.migrations.0008_names_v3_rekey").rekey
    name = EntryName.objects.get(name="Rosoboronexport")
    EntryName.objects.filter(pk=name.pk).update(name="Xiamen Rosoboronexport", normalised="ksiamen rosoboroneksport", skeleton="ksmn rsbrnksprt")
    NameGram.objects.filter(name_id=name.pk).delete()
    rekey_v3(apps, SimpleNamespace(connection=connection))
    name.refresh_from_db()
    assert name.normalised == name_key("Shiamen Rosoboronexport").key == "shiamen rosoboroneksport"
    assert "900101" in [m.reference for m in selectors.name_matches("Shiamen Rosoboronexport")]
