"""Importing lists: all or nothing, replacing the list's entries, and candidate retrieval from an index."""
from datetime import date

import pytest
from django.db import connection

from licensing.denials.models import DenialRegisterEntry
from licensing.screening import selectors
from licensing.screening.importers import ListFormatError, eu_xml_parse, ftm_parse
from licensing.screening.models import EntryName, ListEntry, RunStatus, ScreeningList
from licensing.screening.lists import denials_refresh
from licensing.screening.rescreen import list_import_file

from .conftest import EU_SAMPLE, EU_UPDATE, FTM_SAMPLE

pytestmark = pytest.mark.django_db


def references(source="eu"):
    return set(ListEntry.objects.filter(source=source).values_list("reference", flat=True))


def test_the_eu_list_is_imported_with_names_aliases_countries_and_regime(eu_list):
    assert eu_list.status == RunStatus.DONE and (eu_list.created, eu_list.updated, eu_list.removed) == (7, 0, 0)
    entry = ListEntry.objects.get(source="eu", reference="900101")
    assert entry.name == "Rosoboronexport" and entry.countries == ["RU"] and entry.programme == "RUS" and entry.entity_kind == "organisation"
    assert entry.details["eu_reference"] == "EU.9001.01"
    # The Cyrillic alias and "Joint Stock Company Rosoboronexport" fold to the same key: one row in the index.
    assert list(entry.names.values_list("normalised", flat=True)) == ["rosoboroneksport"]
    assert ListEntry.objects.get(reference="900102").entity_kind == "person"
    assert ScreeningList.objects.get(source="eu").entry_count == 7


def test_importing_the_same_file_again_changes_nothing(eu_list, import_list):
    again = import_list(EU_SAMPLE)
    assert (again.created, again.updated, again.removed, again.unchanged) == (0, 0, 0, 7)


def test_an_update_adds_changes_and_removes_entries(eu_list, import_list):
    before = ListEntry.objects.get(reference="900105").content_hash
    run = import_list(EU_UPDATE)
    assert (run.created, run.updated, run.removed, run.unchanged) == (1, 1, 2, 4)
    assert references() == {"900101", "900102", "900104", "900105", "900107", "900108"}
    changed = ListEntry.objects.get(reference="900105")
    assert changed.content_hash != before and "Alfa-Trade Logistics Almaty" in changed.names.values_list("name", flat=True)
    assert not EntryName.objects.filter(entry__reference__in=["900103", "900106"]).exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"<export><sanctionEntity logicalId='1'><nameAlias wholeName='X Y Z'/>", "not well-formed"),
        (b"<sanctions/>", "expected <export>"),
        (b"<export><sanctionEntity><nameAlias wholeName='No Id'/></sanctionEntity></export>", "logicalId missing"),
        (b"<export><sanctionEntity logicalId='7'/></export>", "no nameAlias"),
        (b"<export><sanctionEntity logicalId='7'><nameAlias wholeName='A B'/></sanctionEntity><sanctionEntity logicalId='7'><nameAlias wholeName='C D'/></sanctionEntity></export>", "appears twice"),
    ],
)
def test_a_bad_eu_file_is_refused_with_reasons(content, message):
    with pytest.raises(ListFormatError) as error:
        eu_xml_parse(content)
    assert any(message in e for e in error.value.errors)


def test_a_failed_import_changes_nothing(eu_list):
    run = list_import_file(source="eu", content=EU_UPDATE.read_bytes().replace(b'logicalId="900108"', b""), file_name="broken.xml")
    assert run.status == RunStatus.FAILED and any("logicalId missing" in e for e in run.errors)
    assert references() == {f"9001{n:02d}" for n in range(1, 8)}
    assert run.payload in (b"", memoryview(b"")) or bytes(run.payload) == b""


def test_followthemoney_export_keeps_listed_people_companies_and_vessels(import_list):
    run = import_list(FTM_SAMPLE, "ftm")
    assert run.status == RunStatus.DONE
    assert references("opensanctions") == {"os-sample-0001", "os-sample-0002", "os-sample-0003", "os-sample-0004"}
    kalashnikov = ListEntry.objects.get(reference="os-sample-0001")
    assert kalashnikov.countries == ["RU"] and "Концерн Калашников" in kalashnikov.names.values_list("name", flat=True)
    assert ListEntry.objects.get(reference="os-sample-0004").entity_kind == "vessel"


def test_followthemoney_errors_are_reported_by_line():
    with pytest.raises(ListFormatError) as error:
        ftm_parse(b'{"id": "a", "schema": "Person", "properties": {"name": ["A B"]}}\nnot json\n{"schema": "Company", "properties": {}}\n')
    assert error.value.errors[0].startswith("line 2: not JSON") and "line 3" in error.value.errors[1]


def test_names_are_found_in_any_script_and_by_alias(eu_list, import_list):
    import_list(FTM_SAMPLE, "ftm")
    [match] = selectors.name_matches("Рособоронэкспорт")
    assert (match.reference, match.list_kind) == ("900101", "sanctions")
    assert selectors.name_matches("Kalashnikov Concern")[0].reference == "os-sample-0001"
    assert selectors.name_matches("Ellinika Amyntika Systimata Dokimon")[0].reference == "os-sample-0003"
    assert selectors.name_matches("محمد الحسن")[0].reference == "900104"
    assert selectors.name_matches("Юрий Щукин", person=True)[0].reference == "os-sample-0002"
    alias = selectors.name_matches("Joint Stock Company Rosoboronexport")[0]
    assert alias.name == "Rosoboronexport"


def test_a_country_that_differs_lowers_the_score(eu_list):
    same = selectors.name_matches("Alfa Trade Logistica", "KZ")[0].score
    unknown = selectors.name_matches("Alfa Trade Logistica", None)[0].score
    other = selectors.name_matches("Alfa Trade Logistica", "NL", minimum=0)[0].score
    assert same == unknown > other  # an agreeing country adds nothing (issue 22)


def test_the_threshold_comes_from_settings(eu_list, settings):
    assert selectors.name_matches("Rosoboronexpart")
    settings.SCREENING_THRESHOLD = 0.99
    assert not selectors.name_matches("Rosoboronexpart")


def test_candidates_come_from_an_index_not_a_scan(eu_list):
    key = "rosoboroneksport"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN SELECT id FROM screening_entryname WHERE normalised %% %s", [key])
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "screening_name_trgm" in plan
        else:
            cursor.execute("EXPLAIN QUERY PLAN SELECT name_id, COUNT(*) FROM screening_namegram WHERE gram IN ('  r', ' ro', 'ros') GROUP BY name_id")
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "screening_gram_idx" in plan


def test_the_denial_register_is_a_list(db):
    entry = DenialRegisterEntry.objects.create(
        reference="DE-2025-17", own=False, notifying_state_id="DE", notified_on=date(2025, 3, 1), destination_id="AE",
        goods_description="Gyroscopes", control_entry="7A001", consignee="Sirius General Trading FZE", end_user="Falcon Aerospace Works", criteria=[7],
    )
    assert denials_refresh()
    [match] = selectors.name_matches("Falcon Aerospace Works LLC", "AE")
    assert (match.list_kind, match.reference, match.matched_name) == ("denials", "DE/DE-2025-17", "Falcon Aerospace Works")
    assert not denials_refresh()  # nothing changed since
    entry.revoked_on = date(2026, 1, 1)
    entry.save()
    assert denials_refresh()
    assert selectors.name_matches("Falcon Aerospace Works", "AE") == []


def test_followthemoney_abbreviations_are_aliases_and_weak_aliases_match_only_exactly(db):
    from licensing.screening.lists import list_replace

    entries = ftm_parse(
        b'{"id": "os-x-1", "schema": "Company", "target": true, "properties": {"name": ["Central Scientific Research Institute of Chemistry and Mechanics"], '
        b'"abbreviation": ["TsNIIKhM"], "weakAlias": ["Tsentr"]}}\n'
    )
    [entry] = entries
    assert "TsNIIKhM" in entry.all_names and entry.weak_aliases == ("Tsentr",)
    list_replace(source="opensanctions", entries=entries)
    assert selectors.name_matches("TsNIIKhM")[0].reference == "os-x-1"
    assert selectors.name_matches("Tsentr")[0].reference == "os-x-1"  # exactly, after folding
    assert selectors.name_matches("TSENTR")[0].reference == "os-x-1"
    assert not selectors.name_matches("Tsentra")  # one letter more: a weak alias needs all of it
    assert not selectors.name_matches("Tsentr Trading")


def test_eu_weak_names_match_only_exactly(eu_list):
    # HESA is a nameAlias with strong="false" in the sample: its own name, exactly, and nothing near it.
    [entry] = [e for e in eu_xml_parse(EU_SAMPLE.read_bytes()) if "HESA" in e.weak_aliases]
    assert "HESA" not in entry.all_names
    assert [m.reference for m in selectors.name_matches("HESA")] == [entry.reference]
    assert not selectors.name_matches("HESA Trading FZE")
