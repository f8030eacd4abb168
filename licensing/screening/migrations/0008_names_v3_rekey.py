"""Names-v3 (issue 22): listed names and the false-positive memory folded again.

The folding changed for some words: a word-initial x before a vowel is now "sh" (pinyin "Xi" = "Shi"), "Ben" as
a person's first word stays a given name instead of the particle "bin", and a capital letter alone at a word's end
no longer splits it ("AkG"). The stored keys of such names (EntryName.normalised/skeleton, the SQLite trigram
rows, ScreeningHit.party_key) are remade with the live normaliser, as 0004 did for names-v2.
"""
import importlib

from django.db import migrations


def rekey(apps, schema_editor):
    importlib.import_module("licensing.screening.migrations.0004_names_v2_rekey").rekey(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("screening", "0007_aluminium_undeclared_flag")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
