"""
Load the reference data from fixtures/reference/*.yaml (`manage.py load_reference`).

Idempotent: rows are matched on their natural keys (region/country/group/licence code, entry code, criterion
number, framework code) and saved only when a value differs, so a second run changes nothing. Sets are made to match the files:
a group's memberships (except groups marked `admin_maintained`), a criterion's sub-points, a general licence's
destinations. Rows the files do not name (an entry an administrator added) are left alone. Everything runs in one
transaction: a bad file changes nothing.
"""
import datetime
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from .models import (
    AssessmentFramework,
    ControlEntry,
    ControlRegime,
    Country,
    CountryGroup,
    CountryGroupMembership,
    Criterion,
    CriterionKind,
    CriterionSubPoint,
    DestinationRule,
    Framework,
    GeneralLicence,
    GeneralLicenceKind,
    GroupCode,
    Obligation,
    ReportRegion,
    SanctionsBan,
    StandardText,
    StandardTextKind,
)
from .selectors import reference_changed, reference_changes_batched

FILES = ("regions", "countries", "groups", "control_entries", "criteria", "general_licences", "sanctions_bans", "standard_texts")
# The application Movement choices (licensing.applications.choices.Movement), kept here so that reference data does
# not depend on the applications app.
MOVEMENTS = ("export", "transfer", "transit", "brokering")
MEMBERSHIP_KINDS = ("", "full", "partial", "political")
# The application GoodsKind and EndUse choices, for the same reason.
GOODS_KINDS = ("military", "dual_use", "anti_torture", "unlisted")
END_USES = ("civil", "military", "wmd", "museum", "repression")
_HS_CODE = re.compile(r"^[0-9]{4,10}$")
_BAN_KEYS = {
    "code", "name_en", "name_nl", "regulation", "article", "url", "destinations", "goods_kinds", "items", "hs_codes", "movements",
    "in_force_from", "in_force_to", "exceptions", "exception_end_uses", "active", "source", "confidence",
}

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_CODE_OF_REGIME = {
    ControlRegime.MILITARY: re.compile(r"^ML([1-9]|1[0-9]|2[0-2])(\.[a-z0-9]+)*$"),
    ControlRegime.DUAL_USE: re.compile(r"^(DU-CAT-[0-9]|DU-GROUP-[A-E]|[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*)$"),
    ControlRegime.ANTI_TORTURE: re.compile(r"^ANNEX_(II|III|IV)(\.[0-9]+)*$"),
    ControlRegime.NATIONAL: re.compile(r"^\S+$"),
}


class ReferenceDataError(ValueError):
    """A fixture file is missing, malformed, or names something unknown; the message starts with the file name."""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "total": self.total}


class _YamlLoader(yaml.SafeLoader):
    """YAML without YAML 1.1's yes/no/on/off booleans: the country code NO is Norway, not False."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def fixtures_directory() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "reference"


def read_fixture(path: Path) -> dict:
    """One fixture file as a mapping; it must name its `source`."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    except FileNotFoundError:
        raise ReferenceDataError(f"{path.name}: file not found in {path.parent}") from None
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(document, dict):
        raise ReferenceDataError(f"{path.name}: expected a mapping at the top level")
    if not isinstance(document.get("source"), str) or not document["source"].strip():
        raise ReferenceDataError(f"{path.name}: the file must start with a `source:` naming where its facts come from")
    return document


def reference_load(*, directory: str | Path | None = None) -> dict[str, dict[str, int]]:
    """Upsert every fixture file in `directory` (default fixtures/reference/); returns counts per kind of row."""
    directory = Path(directory) if directory else fixtures_directory()
    documents = {name: read_fixture(directory / f"{name}.yaml") for name in FILES}
    with reference_changes_batched(), transaction.atomic():
        counts = {
            "regions": _load_regions(documents["regions"]),
            "countries": _load_countries(documents["countries"]),
        }
        counts["groups"], counts["memberships"] = _load_groups(documents["groups"])
        counts["control_entries"] = _load_control_entries(documents["control_entries"])
        counts["frameworks"], counts["criteria"], counts["criterion_sub_points"] = _load_criteria(documents["criteria"])
        counts["general_licences"] = _load_general_licences(documents["general_licences"])
        counts["sanctions_bans"] = _load_sanctions_bans(documents["sanctions_bans"])
        counts["standard_texts"] = _load_standard_texts(documents["standard_texts"])
    reference_changed()
    return {name: c.as_dict() for name, c in counts.items()}


# --- One loader per file.


def _load_regions(document: dict) -> Counts:
    file = "regions.yaml"
    rows = []
    for position, region in enumerate(_list(document, "regions", file), start=1):
        code = _str(region, "code", file)
        rows.append(
            {
                "code": code,
                "name_en": _str(region, "name_en", file, where=code),
                "name_nl": _str(region, "name_nl", file, where=code),
                "position": position,
            }
        )
    _unique([r["code"] for r in rows], file, "region")
    return _upsert(ReportRegion, "code", rows)[1]


def _load_countries(document: dict) -> Counts:
    file = "countries.yaml"
    regions = set(ReportRegion.objects.values_list("code", flat=True))
    rows = []
    for country in _list(document, "countries", file):
        code = _str(country, "code", file)
        if not _COUNTRY_CODE.match(code):
            raise ReferenceDataError(f"{file}: '{code}' is not a two-letter upper-case country code")
        region = country.get("report_region")
        if region not in regions:
            raise ReferenceDataError(f"{file}: country {code} names unknown report_region '{region}'")
        rows.append(
            {
                "code": code,
                "name_en": _str(country, "name_en", file, where=code),
                "name_nl": _str(country, "name_nl", file, where=code),
                "report_region_id": region,
            }
        )
    _unique([r["code"] for r in rows], file, "country")
    return _upsert(Country, "code", rows)[1]


def _load_groups(document: dict) -> tuple[Counts, Counts]:
    file = "groups.yaml"
    countries = set(Country.objects.values_list("code", flat=True))
    rows, members_of, maintained = [], {}, set()
    for group in _list(document, "groups", file):
        code = _str(group, "code", file)
        if code not in GroupCode.values:
            raise ReferenceDataError(f"{file}: unknown group '{code}' (known: {', '.join(GroupCode.values)})")
        rows.append(
            {
                "code": code,
                "name_en": _str(group, "name_en", file, where=code),
                "name_nl": _str(group, "name_nl", file, where=code),
                "source": _str(group, "source", file, where=code),
                "confidence": str(group.get("confidence") or ""),
            }
        )
        if group.get("admin_maintained"):
            maintained.add(code)
        members = {}
        for member in group.get("members") or []:
            if isinstance(member, str):
                member = {"country": member}
            if not isinstance(member, dict) or not isinstance(member.get("country"), str):
                raise ReferenceDataError(f"{file}: group '{code}' has a member that is not a country code: {member!r}")
            country = member["country"]
            if country not in countries:
                raise ReferenceDataError(f"{file}: group '{code}' names unknown country code '{country}'")
            if country in members:
                raise ReferenceDataError(f"{file}: group '{code}' names {country} twice")
            kind = str(member.get("kind") or "")
            if kind not in MEMBERSHIP_KINDS:
                raise ReferenceDataError(f"{file}: group '{code}', {country}: unknown kind '{kind}'")
            members[country] = {"kind": kind, "note": str(member.get("note") or "")}
        members_of[code] = members
    _unique([r["code"] for r in rows], file, "group")
    group_counts = _upsert(CountryGroup, "code", rows)[1]

    membership_counts = Counts()
    existing: dict[str, dict[str, CountryGroupMembership]] = {}
    for membership in CountryGroupMembership.objects.filter(group_id__in=members_of):
        existing.setdefault(membership.group_id, {})[membership.country_id] = membership
    for code, members in members_of.items():
        if code in maintained:
            continue
        current = existing.get(code, {})
        for country, values in members.items():
            membership = current.get(country)
            if membership is None:
                CountryGroupMembership.objects.create(group_id=code, country_id=country, **values)
                membership_counts.created += 1
            elif _assign(membership, values):
                membership_counts.updated += 1
            else:
                membership_counts.unchanged += 1
        stale = [m.pk for country, m in current.items() if country not in members]
        if stale:
            CountryGroupMembership.objects.filter(pk__in=stale).delete()
            membership_counts.deleted += len(stale)
    return group_counts, membership_counts


def _load_control_entries(document: dict) -> Counts:
    file = "control_entries.yaml"
    rows: list[dict] = []

    def walk(entries: Any, regime: str, source: str, parent: str | None, where: str):
        if not isinstance(entries, list):
            raise ReferenceDataError(f"{file}: {where}: expected a list of entries")
        for entry in entries:
            if not isinstance(entry, dict):
                raise ReferenceDataError(f"{file}: {where}: an entry must be a mapping, not {entry!r}")
            code = _str(entry, "code", file, where=where)
            unknown = set(entry) - {"code", "title_en", "title_nl", "annex_iv", "source", "children"}
            if unknown:
                raise ReferenceDataError(f"{file}: entry {code}: unknown keys {sorted(unknown)}")
            if not _CODE_OF_REGIME[regime].match(code):
                raise ReferenceDataError(f"{file}: '{code}' is not a valid code for the {regime} list")
            annex_iv = entry.get("annex_iv", False)
            if not isinstance(annex_iv, bool) or (annex_iv and regime != ControlRegime.DUAL_USE):
                raise ReferenceDataError(
                    f"{file}: entry {code}: annex_iv must be true or false, and only dual-use items are in Annex IV"
                )
            rows.append(
                {
                    "code": code,
                    "regime": regime,
                    "title_en": _str(entry, "title_en", file, where=code),
                    "title_nl": str(entry.get("title_nl") or ""),
                    "annex_iv": annex_iv,
                    "source": str(entry.get("source") or source),
                    "parent": parent,
                }
            )
            if "children" in entry:
                walk(entry["children"], regime, source, code, f"children of {code}")

    for section in _list(document, "sections", file):
        regime = section.get("regime") if isinstance(section, dict) else None
        if regime not in ControlRegime.values:
            known = ", ".join(ControlRegime.values)
            raise ReferenceDataError(f"{file}: a section has unknown regime {regime!r} (known: {known})")
        source = str(section.get("source") or document["source"])
        walk(section.get("entries") or [], ControlRegime(regime), source, None, f"section {regime}")
    _unique([r["code"] for r in rows], file, "entry")

    # Parents come before their children in `rows`, so a child's parent has its id when the child is saved.
    counts = Counts()
    existing = {entry.code: entry for entry in ControlEntry.objects.all()}
    for row in rows:
        parent = row.pop("parent")
        row["parent_id"] = existing[parent].pk if parent else None
        entry = existing.get(row["code"])
        if entry is None:
            existing[row["code"]] = ControlEntry.objects.create(**row)
            counts.created += 1
        elif _assign(entry, row):
            counts.updated += 1
        else:
            counts.unchanged += 1
    return counts


def _load_criteria(document: dict) -> tuple[Counts, Counts, Counts]:
    """The assessment frameworks and their grounds (criteria), each ground with its sub-points."""
    file = "criteria.yaml"
    framework_rows, rows, points_of = [], [], {}
    for position, framework in enumerate(_list(document, "frameworks", file)):
        code = framework.get("code") if isinstance(framework, dict) else None
        if code not in Framework.values:
            raise ReferenceDataError(f"{file}: unknown framework {code!r}; known: {', '.join(Framework.values)}")
        framework_rows.append(
            {
                "code": code,
                "title_en": _str(framework, "title_en", file, where=code),
                "title_nl": _str(framework, "title_nl", file, where=code),
                "act_en": _str(framework, "act_en", file, where=code),
                "act_nl": _str(framework, "act_nl", file, where=code),
                "plural_en": str(framework.get("plural_en") or ""),
                "plural_nl": str(framework.get("plural_nl") or ""),
                "url": str(framework.get("url") or ""),
                "position": position,
                "source": str(framework.get("source") or document["source"]),
                "confidence": str(framework.get("confidence") or document.get("confidence") or ""),
            }
        )
        for criterion in _list(framework, "criteria", file):
            number = criterion.get("number") if isinstance(criterion, dict) else None
            if not isinstance(number, int) or not 1 <= number <= 99:
                raise ReferenceDataError(f"{file}: {code}: criterion number must be 1 to 99, not {number!r}")
            if (code == Framework.COMMON_POSITION) != (number <= 8):
                raise ReferenceDataError(f"{file}: {code}: criterion {number}: numbers 1-8 are the Common Position's criteria, and only they")
            kind = criterion.get("kind")
            if kind not in CriterionKind.values:
                raise ReferenceDataError(f"{file}: criterion {number}: unknown kind {kind!r}")
            where = f"criterion {number}"
            rows.append(
                {
                    "number": number,
                    "framework_id": code,
                    "code": _str(criterion, "code", file, where=where),
                    "label_en": _str(criterion, "label_en", file, where=where),
                    "label_nl": _str(criterion, "label_nl", file, where=where),
                    "kind": kind,
                    "title_en": _str(criterion, "title_en", file, where=where),
                    "title_nl": _str(criterion, "title_nl", file, where=where),
                    "source": str(criterion.get("source") or document["source"]),
                }
            )
            points = []
            for point_position, point in enumerate(criterion.get("sub_points") or []):
                points.append(
                    {
                        "key": _str(point, "key", file, where=where),
                        "text_en": _str(point, "text_en", file, where=where),
                        "text_nl": str(point.get("text_nl") or ""),
                        "source": str(point.get("source") or ""),
                        "position": point_position,
                    }
                )
            _unique([p["key"] for p in points], file, f"sub-point of criterion {number}")
            points_of[number] = points
        _unique([r["code"] for r in rows if r["framework_id"] == code], file, f"criterion code of {code}")
    _unique([r["code"] for r in framework_rows], file, "framework")
    framework_counts = _upsert(AssessmentFramework, "code", framework_rows)[1]
    _unique([r["number"] for r in rows], file, "criterion")
    criterion_counts = _upsert(Criterion, "number", rows)[1]

    point_counts = Counts()
    existing: dict[int, dict[str, CriterionSubPoint]] = {}
    for point in CriterionSubPoint.objects.filter(criterion_id__in=points_of):
        existing.setdefault(point.criterion_id, {})[point.key] = point
    for number, points in points_of.items():
        current = existing.get(number, {})
        for values in points:
            point = current.get(values["key"])
            if point is None:
                CriterionSubPoint.objects.create(criterion_id=number, **values)
                point_counts.created += 1
            elif _assign(point, values):
                point_counts.updated += 1
            else:
                point_counts.unchanged += 1
        wanted = {p["key"] for p in points}
        stale = [p.pk for key, p in current.items() if key not in wanted]
        if stale:
            CriterionSubPoint.objects.filter(pk__in=stale).delete()
            point_counts.deleted += len(stale)
    return framework_counts, criterion_counts, point_counts


# The kinds of arms embargo a membership of the arms_embargo group names (licensing.reference.general_licences reads
# one without a kind as "unspecified").
EMBARGO_KINDS = ("full", "partial", "political", "unspecified")


def _load_general_licences(document: dict) -> Counts:
    file = "general_licences.yaml"
    countries = set(Country.objects.values_list("code", flat=True))
    groups = set(CountryGroup.objects.values_list("code", flat=True))
    rows, sets_of = [], {}
    for licence in _list(document, "licences", file):
        code = _str(licence, "code", file)
        kind, rule = licence.get("kind"), licence.get("destination_rule")
        if kind not in GeneralLicenceKind.values:
            raise ReferenceDataError(f"{file}: licence {code}: unknown kind {kind!r}")
        if rule not in DestinationRule.values:
            raise ReferenceDataError(f"{file}: licence {code}: unknown destination_rule {rule!r}")
        movements = licence.get("movements") or []
        if not movements or not isinstance(movements, list) or set(movements) - set(MOVEMENTS):
            raise ReferenceDataError(f"{file}: licence {code}: movements must be a list of {', '.join(MOVEMENTS)}")
        wanted = {
            "destinations": _codes(licence, "destinations", file, code, countries, "country code"),
            "excluded_destinations": _codes(licence, "excluded_destinations", file, code, countries, "country code"),
            "destination_groups": _codes(licence, "destination_groups", file, code, groups, "group"),
            "return_destination_groups": _codes(licence, "return_destination_groups", file, code, groups, "group"),
            "origin_groups": _codes(licence, "origin_groups", file, code, groups, "group"),
        }
        barring = licence.get("barring_embargoes") or []
        if not isinstance(barring, list) or set(barring) - set(EMBARGO_KINDS):
            raise ReferenceDataError(f"{file}: licence {code}: barring_embargoes must be a list of {', '.join(EMBARGO_KINDS)}")
        if rule == DestinationRule.LISTED and not (wanted["destinations"] or wanted["destination_groups"]):
            raise ReferenceDataError(f"{file}: licence {code} lists its destinations but names none")
        if rule == DestinationRule.UNKNOWN and (wanted["destinations"] or wanted["destination_groups"]):
            raise ReferenceDataError(f"{file}: licence {code} has destination_rule unknown but names destinations")
        active = licence.get("active", True)
        if not isinstance(active, bool):
            raise ReferenceDataError(f"{file}: licence {code}: active must be true or false")
        since = licence.get("exclusions_since") or {}
        if not isinstance(since, dict) or set(since) - wanted["excluded_destinations"]:
            raise ReferenceDataError(f"{file}: licence {code}: exclusions_since maps excluded destinations to the date they are excluded from")
        try:
            since = {country: datetime.date.fromisoformat(str(day)).isoformat() for country, day in since.items()}
        except ValueError:
            raise ReferenceDataError(f"{file}: licence {code}: exclusions_since: dates are YYYY-MM-DD") from None
        rows.append(
            {
                "code": code,
                "kind": kind,
                "name_en": _str(licence, "name_en", file, where=code),
                "name_nl": str(licence.get("name_nl") or ""),
                "movements": ",".join(movements),
                "goods": _str(licence, "goods", file, where=code),
                "conditions": str(licence.get("conditions") or "").strip(),
                "destination_rule": rule,
                "in_force": str(licence.get("in_force") or ""),
                "in_force_from": _date(licence, "in_force_from", file, code),
                "in_force_to": _date(licence, "in_force_to", file, code),
                "active": active,
                "exclusions_since": since,
                "barring_embargoes": ",".join(barring),
                "source": _str(licence, "source", file, where=code),
                "confidence": str(licence.get("confidence") or ""),
            }
        )
        sets_of[code] = wanted
    _unique([r["code"] for r in rows], file, "licence")
    objects, counts, unchanged = _upsert(GeneralLicence, "code", rows)
    for code, wanted in sets_of.items():
        licence, changed = objects[code], False
        for field, codes in wanted.items():
            manager = getattr(licence, field)
            if set(manager.values_list("pk", flat=True)) != codes:
                manager.set(sorted(codes))
                changed = True
        if changed and code in unchanged:
            counts.updated += 1
            counts.unchanged -= 1
    return counts


def _load_standard_texts(document: dict) -> Counts:
    """The office's standard texts in both languages; texts an administrator added in the admin are left alone."""
    file = "standard_texts.yaml"
    rows = []
    for position, text in enumerate(_list(document, "texts", file)):
        code = _str(text, "code", file)
        kind, obligation = text.get("kind"), text.get("obligation") or ""
        if kind not in StandardTextKind.values:
            raise ReferenceDataError(f"{file}: text {code}: unknown kind {kind!r}")
        if obligation and (obligation not in Obligation.values or kind != StandardTextKind.CONDITION):
            raise ReferenceDataError(f"{file}: text {code}: obligation must be one of {', '.join(Obligation.values)}, and only on a condition")
        due_days = text.get("due_days")
        if due_days is not None and (not isinstance(due_days, int) or isinstance(due_days, bool) or not 1 <= due_days <= 3650):
            raise ReferenceDataError(f"{file}: text {code}: due_days must be a number of days (1-3650)")
        rows.append(
            {
                "code": code, "kind": kind, "obligation": obligation, "due_days": due_days, "position": position, "active": text.get("active", True) is not False,
                "title_en": _str(text, "title_en", file, where=code), "title_nl": _str(text, "title_nl", file, where=code),
                "text_en": _str(text, "text_en", file, where=code), "text_nl": _str(text, "text_nl", file, where=code),
            }
        )
    _unique([r["code"] for r in rows], file, "text")
    return _upsert(StandardText, "code", rows)[1]


def _load_sanctions_bans(document: dict) -> Counts:
    file = "sanctions_bans.yaml"
    countries = set(Country.objects.values_list("code", flat=True))
    rows, destinations_of = [], {}
    for ban in _list(document, "bans", file):
        code = _str(ban, "code", file)
        unknown = set(ban) - _BAN_KEYS
        if unknown:
            raise ReferenceDataError(f"{file}: ban {code}: unknown keys {sorted(unknown)}")
        goods_kinds = _choices(ban, "goods_kinds", file, code, GOODS_KINDS, required=True)
        movements = _choices(ban, "movements", file, code, MOVEMENTS, required=True)
        end_uses = _choices(ban, "exception_end_uses", file, code, END_USES)
        items = [str(item).strip().upper() for item in ban.get("items") or []]
        hs_codes = [str(hs).replace(".", "").strip() for hs in ban.get("hs_codes") or []]
        if any(not _HS_CODE.match(hs) for hs in hs_codes):
            raise ReferenceDataError(f"{file}: ban {code}: HS codes are 4 to 10 digits")
        start, end = _date(ban, "in_force_from", file, code), _date(ban, "in_force_to", file, code)
        if start and end and end < start:
            raise ReferenceDataError(f"{file}: ban {code} ends before it starts")
        active = ban.get("active", True)
        if not isinstance(active, bool):
            raise ReferenceDataError(f"{file}: ban {code}: active must be true or false")
        destinations_of[code] = _codes(ban, "destinations", file, code, countries, "country code")
        if not destinations_of[code]:
            raise ReferenceDataError(f"{file}: ban {code} names no destination")
        rows.append(
            {
                "code": code,
                "name_en": _str(ban, "name_en", file, where=code),
                "name_nl": str(ban.get("name_nl") or ""),
                "regulation": _str(ban, "regulation", file, where=code),
                "article": _str(ban, "article", file, where=code),
                "url": str(ban.get("url") or ""),
                "goods_kinds": ",".join(goods_kinds),
                "items": ",".join(items),
                "hs_codes": ",".join(hs_codes),
                "movements": ",".join(movements),
                "in_force_from": start,
                "in_force_to": end,
                "exceptions": str(ban.get("exceptions") or "").strip(),
                "exception_end_uses": ",".join(end_uses),
                "active": active,
                "source": _str(ban, "source", file, where=code),
                "confidence": str(ban.get("confidence") or ""),
            }
        )
    _unique([r["code"] for r in rows], file, "ban")
    _full_embargoes_are_banned(rows, destinations_of, file)
    objects, counts, unchanged = _upsert(SanctionsBan, "code", rows)
    for code, codes in destinations_of.items():
        ban = objects[code]
        if set(ban.destinations.values_list("pk", flat=True)) != codes:
            ban.destinations.set(sorted(codes))
            if code in unchanged:
                counts.updated += 1
                counts.unchanged -= 1
    return counts


def _full_embargoes_are_banned(rows: list[dict], destinations_of: dict[str, set[str]], file: str) -> None:
    """Every full arms embargo (groups.yaml) has an active ban on military goods, so the two cannot drift apart."""
    banned = {
        country
        for row in rows
        if row["active"] and "military" in row["goods_kinds"].split(",") and not row["items"] and not row["hs_codes"]
        for country in destinations_of[row["code"]]
    }
    full = set(CountryGroupMembership.objects.filter(group_id=GroupCode.ARMS_EMBARGO, kind="full").values_list("country_id", flat=True))
    missing = sorted(full - banned)
    if missing:
        raise ReferenceDataError(f"{file}: full arms embargoes without a ban on military goods: {', '.join(missing)}")


# --- Helpers.


def _choices(mapping: dict, key: str, file: str, code: str, allowed: tuple[str, ...], *, required: bool = False) -> list[str]:
    values = mapping.get(key) or []
    if not isinstance(values, list) or any(v not in allowed for v in values) or len(set(values)) != len(values):
        raise ReferenceDataError(f"{file}: {code}: `{key}` must be a list of distinct values of: {', '.join(allowed)}")
    if required and not values:
        raise ReferenceDataError(f"{file}: {code}: `{key}` names none")
    return list(values)


def _date(mapping: dict, key: str, file: str, code: str) -> datetime.date | None:
    value = mapping.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ReferenceDataError(f"{file}: {code}: `{key}` must be a date (YYYY-MM-DD), not {value!r}") from None


def _upsert(model, key: str, rows: list[dict]) -> tuple[dict[Any, Any], Counts, set]:
    """Create or update `model` rows matched on `key`, saving only what differs.

    Returns the rows by key, the counts, and the keys of the rows left unchanged.
    """
    counts, unchanged = Counts(), set()
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    for values in rows:
        obj = existing.get(values[key])
        if obj is None:
            existing[values[key]] = model.objects.create(**values)
            counts.created += 1
        elif _assign(obj, values):
            counts.updated += 1
        else:
            counts.unchanged += 1
            unchanged.add(values[key])
    return existing, counts, unchanged


def _assign(obj, values: dict) -> bool:
    """Set the values that differ and save just those fields; True when something changed."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    for field in changed:
        setattr(obj, field, values[field])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def _list(document: dict, key: str, file: str) -> list:
    value = document.get(key)
    if not isinstance(value, list):
        raise ReferenceDataError(f"{file}: expected a list under `{key}:`")
    return value


def _str(mapping: Any, key: str, file: str, *, where: str = "") -> str:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if not isinstance(value, str) or not value.strip():
        place = f"{where}: " if where else ""
        raise ReferenceDataError(f"{file}: {place}`{key}` must be a non-empty text (got {value!r})")
    return value.strip()


def _codes(licence: dict, key: str, file: str, code: str, known: set, what: str) -> set[str]:
    values = licence.get(key) or []
    if not isinstance(values, list):
        raise ReferenceDataError(f"{file}: licence {code}: `{key}` must be a list")
    for value in values:
        if value not in known:
            raise ReferenceDataError(f"{file}: licence {code} names unknown {what} '{value}' in {key}")
    if len(set(values)) != len(values):
        raise ReferenceDataError(f"{file}: licence {code} names a {what} twice in {key}")
    return set(values)


def _unique(keys: list, file: str, what: str) -> None:
    seen = set()
    for key in keys:
        if key in seen:
            raise ReferenceDataError(f"{file}: {what} '{key}' appears twice")
        seen.add(key)
