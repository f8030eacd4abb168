"""parse_entry: what an exporter may write as a control-list entry, and what it means."""
import pytest

from licensing.reference.control_list import InvalidControlEntry, ParsedEntry, parse_entry
from licensing.reference.models import ControlEntry, ControlRegime

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are read in the reader's language; these tests read the English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "written,code,category",
    [
        ("ML4", "ML4", "ML4"),
        ("ML4.b", "ML4.b", "ML4"),
        ("ml4.B", "ML4.b", "ML4"),
        ("  ML22 ", "ML22", "ML22"),
        ("ML7.a.1", "ML7.a.1", "ML7"),
        ("ML4b", "ML4.b", "ML4"),  # as the seed writes them (brokering table)
        ("ML9a1", "ML9.a.1", "ML9"),
        ("ML 17", "ML17", "ML17"),  # table 17 of the seed
        ("ML1", "ML1", "ML1"),
    ],
)
def test_military_entries(written, code, category):
    parsed = parse_entry(written)
    assert parsed == ParsedEntry(code=code, regime="military", ml_category=category, du_category=None, du_group=None,
                                 export_regime=None, annex=None, annex_iv=False)  # fmt: skip


@pytest.mark.parametrize("written", ["ML0", "ML23", "ML99"])
def test_military_category_outside_1_to_22(written):
    with pytest.raises(InvalidControlEntry) as error:
        parse_entry(written)
    assert str(error.value) == f"Unknown control entry '{written}': the Military List has ML1 to ML22."


@pytest.mark.parametrize("written", ["ML4..b", "ML4.b.", "ML4.b-c", "ML4 .b!"])
def test_military_malformed_sub_entry(written):
    with pytest.raises(InvalidControlEntry, match="sub-entries are letters and numbers separated by dots"):
        parse_entry(written)


def test_military_category_must_exist_as_a_row():
    ControlEntry.objects.filter(code="ML12").delete()
    with pytest.raises(InvalidControlEntry, match=r"ML12 is not in the reference data"):
        parse_entry("ML12.a")


@pytest.mark.parametrize(
    "written,code,category,group,regime",
    [
        ("3A001", "3A001", "3", "A", "wassenaar"),
        ("3a001.A.3", "3A001.a.3", "3", "A", "wassenaar"),
        ("9A101", "9A101", "9", "A", "mtcr"),
        ("0B001", "0B001", "0", "B", "nsg"),  # category 0: NSG whatever the third digit
        ("1B231", "1B231", "1", "B", "nsg"),
        ("2B352.a", "2B352.a", "2", "B", "australia_group"),
        ("1C450.a.1", "1C450.a.1", "1", "C", "cwc"),
        ("3B502", "3B502", "3", "B", "eu"),
        ("4E001.c", "4E001.c", "4", "E", "wassenaar"),
        (" 5d002 ", "5D002", "5", "D", "wassenaar"),
    ],
)
def test_dual_use_items(written, code, category, group, regime):
    parsed = parse_entry(written)
    assert (parsed.code, parsed.regime, parsed.du_category, parsed.du_group, parsed.export_regime) == (
        code, "dual_use", category, group, regime,
    )  # fmt: skip
    assert parsed.ml_category is None and parsed.annex is None


def test_dual_use_item_codes_need_not_be_stored():
    assert not ControlEntry.objects.filter(code="3A001").exists()
    assert parse_entry("3A001.a.3").regime == ControlRegime.DUAL_USE


@pytest.mark.parametrize(
    "written,annex_iv",
    [
        ("1C001", True),
        ("1C001.a", True),  # a prefix is flagged
        ("1c001.A.1", True),
        ("5A004.a", True),
        ("5A004.a.2", True),
        ("5A004", False),  # only 5A004.a is in Annex IV
        ("0A001.b", True),  # Category 0 (NSG technology)
        ("0C001", False),  # not in Annex IV
        ("0C002", False),
        ("1C351.d.4", True),  # ricin
        ("1C351.d.1", False),
        ("1C0011", None),  # not a code at all
        ("3A001.a.3", False),
        ("9A004", True),
    ],
)
def test_annex_iv_detection(written, annex_iv):
    if annex_iv is None:
        with pytest.raises(InvalidControlEntry):
            parse_entry(written)
    else:
        assert parse_entry(written).annex_iv is annex_iv


def test_annex_iv_follows_the_database():
    ControlEntry.objects.filter(code="1C001").update(annex_iv=False)  # queryset.update sends no signal
    from licensing.reference.selectors import reference_changed

    reference_changed()
    assert parse_entry("1C001.a").annex_iv is False


@pytest.mark.parametrize(
    "written,message",
    [
        ("3F001", "Unknown control entry '3F001'"),
        ("3A01", "Unknown control entry '3A01'"),
        ("3A0011", "a dual-use item code has one digit, one letter A-E and three digits"),
        ("3A001..a", "sub-entries are letters and numbers separated by dots"),
        ("DU-CAT-3", "is a dual-use category or product group, not an entry"),
    ],
)
def test_dual_use_invalid(written, message):
    with pytest.raises(InvalidControlEntry, match=message):
        parse_entry(written)


@pytest.mark.parametrize(
    "written,code,annex",
    [
        ("ANNEX_II", "ANNEX_II", "II"),
        ("annex_iii", "ANNEX_III", "III"),
        ("ANNEX_III.2.1", "ANNEX_III.2.1", "III"),
        ("Annex IV", "ANNEX_IV", "IV"),
        ("ANNEX-IV.1", "ANNEX_IV.1", "IV"),
        ("annex_3.1.3", "ANNEX_III.1.3", "III"),
    ],
)
def test_anti_torture_entries(written, code, annex):
    parsed = parse_entry(written)
    assert (parsed.code, parsed.regime, parsed.annex, parsed.annex_iv) == (code, "anti_torture", annex, False)


@pytest.mark.parametrize("written", ["ANNEX_I", "ANNEX_V", "ANNEX_VI.1"])
def test_anti_torture_unknown_annex(written):
    with pytest.raises(InvalidControlEntry) as error:
        parse_entry(written)
    assert "annexes II, III and IV" in str(error.value)
    assert f"'{written}'" in str(error.value)


def test_anti_torture_malformed_item():
    with pytest.raises(InvalidControlEntry, match=r"written as its point number, e.g. ANNEX_III.2.1"):
        parse_entry("ANNEX_III.a")


def test_anti_torture_annex_must_exist():
    ControlEntry.objects.filter(code="ANNEX_II").delete()
    with pytest.raises(InvalidControlEntry, match="ANNEX_II is not in the reference data"):
        parse_entry("ANNEX_II.1.1")


def test_national_entries_only_when_stored():
    with pytest.raises(InvalidControlEntry):
        parse_entry("NL-QC-001")
    ControlEntry.objects.create(code="NL-QC-001", regime=ControlRegime.NATIONAL, title_en="Quantum computers (national)")
    parsed = parse_entry(" nl-qc-001 ")
    assert parsed == ParsedEntry(code="NL-QC-001", regime="national", ml_category=None, du_category=None,
                                 du_group=None, export_regime=None, annex=None, annex_iv=False)  # fmt: skip


def test_a_stored_national_entry_wins_over_the_dual_use_pattern():
    # National lists reuse the Annex I shape (e.g. a 3B9xx code); a stored national row decides.
    ControlEntry.objects.create(code="3B993", regime=ControlRegime.NATIONAL, title_en="National semiconductor item")
    assert parse_entry("3b993").regime == "national"
    assert parse_entry("3B001").regime == "dual_use"


@pytest.mark.parametrize("written", ["", "   ", None])
def test_empty(written):
    with pytest.raises(InvalidControlEntry, match="Give a control-list entry"):
        parse_entry(written)


def test_unknown_shape_explains_what_is_accepted():
    with pytest.raises(InvalidControlEntry) as error:
        parse_entry("XYZ")
    message = str(error.value)
    assert message.startswith("Unknown control entry 'XYZ':")
    assert "ML1 to ML22" in message and "3A001.a.3" in message and "ANNEX_III" in message


def test_invalid_control_entry_is_a_value_error():
    assert issubclass(InvalidControlEntry, ValueError)


def test_parsing_uses_at_most_one_query_and_then_none(django_assert_max_num_queries):
    from licensing.reference.selectors import reference_cache_clear

    reference_cache_clear()
    with django_assert_max_num_queries(1):
        parse_entry("ML4.b")
        parse_entry("1C001.a")
        parse_entry("ANNEX_III.2.1")
    with django_assert_max_num_queries(0):
        for _ in range(50):
            parse_entry("3A001.a.3")
            parse_entry("ML10.c")


# --- one home for "which lists fit which goods" (issue 16.2) -------------------------------------------------
@pytest.mark.parametrize("goods_kind", ["military", "dual_use", "anti_torture"])
@pytest.mark.parametrize("code", ["ML6", "3A001", "NL-TEST-1", "ANNEX_III"])
def test_submission_determination_and_import_agree_on_which_entries_fit_which_goods(code, goods_kind, api_as, exporter_a, tmp_path, settings):
    """A determination routed a national-list entry for dual-use goods that submission then refused: the three
    callers now read one table (reference.control_list.LISTS_OF_GOODS_KIND) and must give one answer."""
    from django.core.cache import cache

    from licensing.reference.models import ControlEntry, ControlRegime
    from licensing.reporting.imports import COLUMNS, decisions_import
    from licensing.routing.determination import Facts, InvalidFacts, determine
    from tests.factories import application_payload

    settings.MEDIA_ROOT = tmp_path
    ControlEntry.objects.create(code="NL-TEST-1", regime=ControlRegime.NATIONAL, title_en="A national entry (test only)")
    cache.clear()

    client = api_as(exporter_a)
    line = {"goods_kind": goods_kind, "description": "Item", "control_entry": code, "quantity": "1", "value_eur": "1000.00"}
    draft = client.post("/api/v1/applications/", application_payload(goods=[line]), format="json").json()
    submitted = client.post(f"/api/v1/applications/{draft['id']}/submit/")
    submission_ok = "goods[0].control_entry" not in (submitted.json().get("fields") or {})

    try:
        determine(Facts(goods_kind=goods_kind, movement="export", destination="US", control_entry=code))
        determination_ok = True
    except InvalidFacts as exc:
        determination_ok = "control_entry" not in exc.fields

    values = {c: "" for c in COLUMNS} | {
        "reference": "T-1", "decided_on": "2024-03-01", "decision": "issued", "goods_kind": goods_kind, "licence_kind": "individual",
        "movement": "export", "destinations": "US", "control_entry": code, "value_eur": "1000.00", "complete_system": "false",
        "temporary": "false", "return_after_repair": "false",
    }
    csv = (",".join(COLUMNS) + "\n" + ",".join(values[c] for c in COLUMNS) + "\n").encode()
    import_ok = not [e for e in decisions_import(csv).errors if "control_entry" in e]

    assert submission_ok == determination_ok == import_ok, (submission_ok, determination_ok, import_ok)
    assert submission_ok == ((code, goods_kind) in {("ML6", "military"), ("3A001", "dual_use"), ("NL-TEST-1", "dual_use"), ("ANNEX_III", "anti_torture")})
