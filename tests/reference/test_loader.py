"""load_reference: idempotent, updates what changed, refuses fixtures that name unknown countries or groups."""
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from licensing.reference.loader import ReferenceDataError, fixtures_directory, read_fixture, reference_load
from licensing.reference.models import (
    ControlEntry,
    Country,
    CountryGroup,
    CountryGroupMembership,
    CriterionSubPoint,
    GeneralLicence,
    GroupCode,
    ReportRegion,
)
from licensing.reference.selectors import group_members

pytestmark = pytest.mark.django_db

MODELS = [ReportRegion, Country, CountryGroup, CountryGroupMembership, ControlEntry, CriterionSubPoint, GeneralLicence]


@pytest.fixture
def fixture_dir(tmp_path) -> Path:
    """A copy of fixtures/reference/ the test may edit."""
    directory = tmp_path / "reference"
    shutil.copytree(fixtures_directory(), directory)
    return directory


def edit(directory: Path, name: str, change) -> None:
    path = directory / f"{name}.yaml"
    document = read_fixture(path)
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def by_code(items: list, code: str) -> dict:
    return next(item for item in items if item.get("code") == code)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_loading_twice_changes_nothing():
    before = row_counts()
    first = reference_load()  # the session already loaded once (tests/conftest.py)
    second = reference_load()
    assert first == second
    for name, counts in second.items():
        assert counts["created"] == counts["updated"] == counts["deleted"] == 0, name
        assert counts["total"] == counts["unchanged"] > 0, name
    assert row_counts() == before


def test_command_is_silent_at_verbosity_0_and_reports_counts_otherwise():
    out = StringIO()
    call_command("load_reference", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    call_command("load_reference", stdout=out)
    assert "countries: 250 (0 created, 0 updated)" in out.getvalue()
    assert "general_licences: 16 (0 created, 0 updated)" in out.getvalue()


def test_changed_values_are_updated_and_sets_replaced(fixture_dir):
    edit(fixture_dir, "regions", lambda d: by_code(d["regions"], "north_africa").update(name_nl="Noord Afrika (test)"))
    edit(fixture_dir, "countries", lambda d: by_code(d["countries"], "XK").update(report_region="global"))

    def groups(d):
        nato = by_code(d["groups"], "nato")
        nato["members"] = [c for c in nato["members"] if c != "TR"]
        by_code(d["groups"], "arms_embargo")["members"][0]["note"] = "changed note"

    edit(fixture_dir, "groups", groups)

    def licences(d):
        nl008 = by_code(d["licences"], "NL008")
        nl008["destination_groups"] = ["eu", "nato"]
        nl008["excluded_destinations"] = []

    edit(fixture_dir, "general_licences", licences)
    edit(fixture_dir, "criteria", lambda d: d["frameworks"][0]["criteria"][0]["sub_points"].pop())  # 1(d)

    counts = reference_load(directory=fixture_dir)

    assert counts["regions"]["updated"] == 1
    assert ReportRegion.objects.get(code="north_africa").name_nl == "Noord Afrika (test)"
    assert counts["countries"]["updated"] == 1
    assert Country.objects.get(code="XK").report_region_id == "global"
    assert counts["memberships"]["deleted"] == 1 and counts["memberships"]["updated"] == 1
    assert "TR" not in group_members(GroupCode.NATO) and len(group_members(GroupCode.NATO)) == 31
    assert CountryGroupMembership.objects.get(group="arms_embargo", country="AF").note == "changed note"
    assert counts["general_licences"]["updated"] == 1
    nl008 = GeneralLicence.objects.get(code="NL008")
    assert set(nl008.destination_groups.values_list("pk", flat=True)) == {"eu", "nato"}
    assert not nl008.excluded_destinations.exists()
    assert counts["criterion_sub_points"]["deleted"] == 1
    assert not CriterionSubPoint.objects.filter(criterion=1, key="d").exists()

    again = reference_load(directory=fixture_dir)
    assert all(c["created"] == c["updated"] == c["deleted"] == 0 for c in again.values())


def test_admin_maintained_group_keeps_its_members():
    CountryGroupMembership.objects.create(group_id=GroupCode.SENSITIVE, country_id="XK", note="set by an administrator")
    reference_load()
    assert group_members(GroupCode.SENSITIVE) == {"XK"}


def test_a_removed_fixture_row_is_not_deleted(fixture_dir):
    # Entries an administrator added (or the fixture no longer names) stay: applications may refer to them.
    edit(fixture_dir, "control_entries", lambda d: d["sections"][0]["entries"].pop())  # ML22
    reference_load(directory=fixture_dir)
    assert ControlEntry.objects.filter(code="ML22").exists()


@pytest.mark.parametrize(
    "name,change,message",
    [
        (
            "groups",
            lambda d: by_code(d["groups"], "nato")["members"].append("XX"),
            "groups.yaml: group 'nato' names unknown country code 'XX'",
        ),
        (
            "groups",
            lambda d: d["groups"].append({"code": "friends", "name_en": "x", "name_nl": "x", "source": "x", "members": []}),
            "groups.yaml: unknown group 'friends'",
        ),
        (
            "general_licences",
            lambda d: by_code(d["licences"], "NL008")["destination_groups"].append("nato_plus_plus"),
            "general_licences.yaml: licence NL008 names unknown group 'nato_plus_plus' in destination_groups",
        ),
        (
            "general_licences",
            lambda d: by_code(d["licences"], "NL009")["excluded_destinations"].append("QQ"),
            "general_licences.yaml: licence NL009 names unknown country code 'QQ' in excluded_destinations",
        ),
        (
            "countries",
            lambda d: d["countries"][0].update(report_region="atlantis"),
            "countries.yaml: country AD names unknown report_region 'atlantis'",
        ),
        (
            "control_entries",
            lambda d: d["sections"][0]["entries"].append({"code": "ML23", "title_en": "x"}),
            "control_entries.yaml: 'ML23' is not a valid code for the military list",
        ),
        ("criteria", lambda d: d.pop("source"), "criteria.yaml: the file must start with a `source:`"),
        (
            "standard_texts",
            lambda d: by_code(d["texts"], "refusal-diversion").update(obligation="reimport"),
            "standard_texts.yaml: text refusal-diversion: obligation must be one of",
        ),
        ("standard_texts", lambda d: by_code(d["texts"], "question-euc").update(text_nl=""), "standard_texts.yaml: question-euc: `text_nl` must be a non-empty text"),
    ],
)
def test_a_bad_fixture_is_refused_with_its_file_name_and_changes_nothing(fixture_dir, name, change, message):
    edit(fixture_dir, "regions", lambda d: by_code(d["regions"], "oceania").update(name_en="Changed"))
    edit(fixture_dir, name, change)
    with pytest.raises(ReferenceDataError) as error:
        reference_load(directory=fixture_dir)
    assert str(error.value).startswith(message)
    assert ReportRegion.objects.get(code="oceania").name_en == "Oceania"  # rolled back


def test_command_turns_a_bad_fixture_into_a_command_error(fixture_dir):
    edit(fixture_dir, "groups", lambda d: by_code(d["groups"], "eu")["members"].append("XX"))
    with pytest.raises(CommandError, match="groups.yaml: group 'eu' names unknown country code 'XX'"):
        call_command("load_reference", directory=str(fixture_dir), verbosity=0)


def test_missing_file(fixture_dir):
    (fixture_dir / "criteria.yaml").unlink()
    with pytest.raises(ReferenceDataError, match=r"^criteria.yaml: file not found"):
        reference_load(directory=fixture_dir)


def test_norway_is_a_country_code_not_a_boolean(fixture_dir):
    (fixture_dir / "groups.yaml").write_text(
        (fixture_dir / "groups.yaml").read_text(encoding="utf-8").replace('"NO"', "NO"), encoding="utf-8"
    )
    reference_load(directory=fixture_dir)
    assert "NO" in group_members(GroupCode.NATO)


def test_countries_yaml_is_generated_from_regions_yaml():
    script = Path(settings.BASE_DIR) / "scripts" / "make_countries.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
