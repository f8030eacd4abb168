"""Names-v2 (issue 22): listed names and the false-positive memory folded again with the one shared normaliser.

The stored keys (EntryName.normalised/skeleton, the SQLite trigram rows, ScreeningHit.party_key) were made by the
old folding; compared with keys of the new one they would miss (a Cyrillic look-alike, a spelled-out legal form)
and a dismissed false positive would come back. Uses the live normaliser on purpose: the keys must be exactly
what the code running after this migration makes.
"""
import hashlib

from django.db import migrations

BATCH = 2000


def rekey(apps, schema_editor):
    from licensing.core.names import name_key
    from licensing.screening.matching import trigrams

    EntryName = apps.get_model("screening", "EntryName")
    NameGram = apps.get_model("screening", "NameGram")
    ScreeningHit = apps.get_model("screening", "ScreeningHit")
    postgres = schema_editor.connection.vendor == "postgresql"

    changed = []
    for row in EntryName.objects.only("id", "name", "normalised", "skeleton", "abjad").iterator(chunk_size=BATCH):
        key = name_key(row.name)
        fresh = (key.key[:500], key.skeleton[:500], key.abjad)
        if fresh != (row.normalised, row.skeleton, row.abjad):
            row.normalised, row.skeleton, row.abjad = fresh
            changed.append(row)
        if len(changed) >= BATCH:
            _write(EntryName, NameGram, changed, postgres, trigrams)
            changed = []
    _write(EntryName, NameGram, changed, postgres, trigrams)

    hits = []
    for hit in ScreeningHit.objects.select_related("party").only("id", "party_key", "party__name", "party__country").iterator(chunk_size=BATCH):
        fresh = hashlib.sha256(f"{name_key(hit.party.name).key}|{(hit.party.country_id or '').upper()}".encode()).hexdigest()
        if fresh != hit.party_key:
            hit.party_key = fresh
            hits.append(hit)
    ScreeningHit.objects.bulk_update(hits, ["party_key"], batch_size=BATCH)


def _write(EntryName, NameGram, rows, postgres, trigrams):
    if not rows:
        return
    EntryName.objects.bulk_update(rows, ["normalised", "skeleton", "abjad"], batch_size=BATCH)
    if not postgres:
        NameGram.objects.filter(name_id__in=[r.pk for r in rows]).delete()
        grams = []
        for r in rows:
            grams.extend(NameGram(gram=g, name_id=r.pk) for g in trigrams(r.normalised))
            grams.extend(NameGram(gram="~" + g, name_id=r.pk) for g in trigrams(r.skeleton))
        NameGram.objects.bulk_create(grams, batch_size=BATCH * 5)


class Migration(migrations.Migration):
    dependencies = [("screening", "0003_hit_escalation")]

    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
