"""
Parsers for the list formats. Each reads a whole file and returns every entry, or raises ListFormatError with
every problem found: an import is all or nothing.

- EU consolidated financial sanctions list, XML (`export/sanctionEntity`, namespace
  http://eu.europa.ec/fpi/fsd/export): names from `nameAlias@wholeName` (`strong="false"`: a weak alias, matched
  only exactly), countries from
  `citizenship@countryIso2Code` and `address@countryIso2Code`, the regime from `regulation@programme`.
- OpenSanctions FollowTheMoney entities, JSON lines: `id`, `schema`, `properties.name`, `properties.alias`,
  `previousName` and `abbreviation` (aliases), `weakAlias` (matched only exactly), `properties.country` (and nationality, citizenship, jurisdiction).
- The denial register (denials.DenialRegisterEntry): consignee and end-user names, destination country.

The XML is read with the standard library's expat parser, which resolves no external entities and refuses
entity-expansion bombs; only administrators upload lists.
"""
import hashlib
import json
import re
from dataclasses import dataclass, field
from io import BytesIO
from xml.etree import ElementTree

from .models import EntityKind, ListSource

MAX_ERRORS = 50
COUNTRY = re.compile(r"^[A-Z]{2}$")


class ListFormatError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors[:5]))
        self.errors = errors


@dataclass
class ParsedEntry:
    reference: str
    name: str
    aliases: tuple[str, ...] = ()
    # Weak aliases (FtM `weakAlias`, EU nameAlias strong="false"): short or generic names ("HESA", "Ali") that
    # identify the party only with other details, so they match only exactly (after folding).
    weak_aliases: tuple[str, ...] = ()
    entity_kind: str = EntityKind.UNKNOWN
    countries: tuple[str, ...] = ()
    programme: str = ""
    details: dict = field(default_factory=dict)

    @property
    def all_names(self) -> list[str]:
        return list(dict.fromkeys(n.strip() for n in (self.name, *self.aliases) if n and n.strip()))

    @property
    def content_hash(self) -> str:
        """Changes whenever what the entry says changes; a false positive is remembered against it."""
        content = {
            "names": sorted(self.all_names),
            **({"weak": sorted(self.weak_aliases)} if self.weak_aliases else {}),  # unchanged hash for entries without
            "kind": self.entity_kind,
            "countries": sorted(self.countries),
            "programme": self.programme,
            "details": self.details,
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def _countries(codes) -> tuple[str, ...]:
    cleaned = {str(c).strip().upper() for c in codes if c}
    return tuple(sorted(c for c in cleaned if COUNTRY.match(c) and c != "00"))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- EU consolidated list (XML) -------------------------------------------------------------------
EU_KINDS = {"person": EntityKind.PERSON, "enterprise": EntityKind.ORGANISATION}


def eu_xml_parse(content: bytes) -> list[ParsedEntry]:
    errors: list[str] = []
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    root_checked = False
    number = 0
    try:
        for event, element in ElementTree.iterparse(BytesIO(content), events=("start", "end")):
            if event == "start":
                if not root_checked:
                    root_checked = True
                    if _local(element.tag) != "export":
                        raise ListFormatError([f"file: the root element is <{_local(element.tag)}>, expected <export> (EU sanctions XML)"])
                continue
            if _local(element.tag) != "sanctionEntity":
                continue
            number += 1
            entry = _eu_entity(element, number, errors)
            element.clear()  # keeps memory flat on the full list
            if entry is None:
                continue
            if entry.reference in seen:
                errors.append(f"sanctionEntity {number}: logicalId {entry.reference} appears twice")
                continue
            seen.add(entry.reference)
            entries.append(entry)
            if len(errors) >= MAX_ERRORS:
                break
    except ElementTree.ParseError as exc:
        errors.append(f"file: not well-formed XML ({exc})")
    if not root_checked:
        errors.append("file: empty")
    if errors:
        raise ListFormatError(errors)
    return entries


def _eu_entity(element, number: int, errors: list[str]) -> ParsedEntry | None:
    reference = (element.get("logicalId") or "").strip()
    names, weak, countries, programmes, regulations = [], [], [], [], []
    kind = EntityKind.UNKNOWN
    for child in element:
        tag = _local(child.tag)
        if tag == "nameAlias":
            whole = (child.get("wholeName") or "").strip()
            if not whole:
                whole = " ".join(p for p in (child.get("firstName"), child.get("middleName"), child.get("lastName")) if p and p.strip())
            if whole:
                (weak if (child.get("strong") or "").strip().lower() == "false" else names).append(whole)
        elif tag in ("citizenship", "address", "birthdate"):
            countries.append(child.get("countryIso2Code"))
        elif tag == "regulation":
            if child.get("programme"):
                programmes.append(child.get("programme").strip())
            if child.get("numberTitle"):
                regulations.append(child.get("numberTitle").strip())
        elif tag == "subjectType":
            kind = EU_KINDS.get((child.get("code") or "").strip(), EntityKind.UNKNOWN)
    problems = []
    if not reference:
        problems.append("logicalId missing")
    if not names and weak:
        names = [weak.pop(0)]  # only weak names: the first is still the entry's name
    if not names:
        problems.append("no nameAlias with a name")
    if problems:
        errors.append(f"sanctionEntity {number}{' (' + reference + ')' if reference else ''}: {'; '.join(problems)}")
        return None
    return ParsedEntry(
        reference=reference,
        name=names[0],
        aliases=tuple(names[1:]),
        weak_aliases=tuple(dict.fromkeys(w for w in weak if w not in names)),
        entity_kind=kind,
        countries=_countries(countries),
        programme=", ".join(dict.fromkeys(programmes))[:300],
        details={"eu_reference": (element.get("euReferenceNumber") or "").strip(), "regulations": list(dict.fromkeys(regulations))},
    )


# --- OpenSanctions FollowTheMoney (JSON lines) ----------------------------------------------------
FTM_KINDS = {
    "Person": EntityKind.PERSON,
    "Company": EntityKind.ORGANISATION,
    "Organization": EntityKind.ORGANISATION,
    "LegalEntity": EntityKind.ORGANISATION,
    "PublicBody": EntityKind.ORGANISATION,
    "Vessel": EntityKind.VESSEL,
    "Airplane": EntityKind.VESSEL,
}
FTM_COUNTRY_PROPERTIES = ("country", "nationality", "citizenship", "jurisdiction")


def ftm_parse(content: bytes) -> list[ParsedEntry]:
    errors: list[str] = []
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ListFormatError(["file: not UTF-8 text"])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not JSON ({exc.msg})")
        else:
            entry = _ftm_entity(data, number, errors)
            if entry is not None:
                if entry.reference in seen:
                    errors.append(f"line {number}: id {entry.reference} appears twice")
                else:
                    seen.add(entry.reference)
                    entries.append(entry)
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise ListFormatError(errors)
    if not entries:
        raise ListFormatError(["file: no person, company, organisation or vessel entities"])
    return entries


def _ftm_entity(data, number: int, errors: list[str]) -> ParsedEntry | None:
    if not isinstance(data, dict) or not isinstance(data.get("properties", {}), dict):
        errors.append(f"line {number}: not an entity object")
        return None
    kind = FTM_KINDS.get(data.get("schema"))
    if kind is None or data.get("target") is False:
        return None  # addresses, sanctions, relations, and entities that are not themselves listed
    properties = data.get("properties") or {}
    reference = str(data.get("id") or "").strip()

    def values(name):
        value = properties.get(name) or []
        return [str(v).strip() for v in (value if isinstance(value, list) else [value]) if str(v).strip()]

    names = values("name")
    caption = str(data.get("caption") or "").strip()
    if caption and caption not in names:
        names.insert(0, caption)
    problems = []
    if not reference:
        problems.append("id missing")
    if not names:
        problems.append("properties.name missing")
    if problems:
        errors.append(f"line {number}: {'; '.join(problems)}")
        return None
    aliases = values("alias") + values("previousName") + values("abbreviation")
    countries = [c for p in FTM_COUNTRY_PROPERTIES for c in values(p)]
    return ParsedEntry(
        reference=reference[:200],
        name=names[0][:500],
        aliases=tuple(n[:500] for n in names[1:] + aliases),
        weak_aliases=tuple(n[:500] for n in values("weakAlias") if n not in names and n not in aliases),
        entity_kind=kind,
        countries=_countries(countries),
        programme=", ".join(values("program") or values("programId"))[:300],
        details={"datasets": sorted(str(d) for d in data.get("datasets") or []), "topics": sorted(values("topics"))},
    )


PARSERS = {ListSource.EU: eu_xml_parse, ListSource.OPENSANCTIONS: ftm_parse}
# The names the import command and the upload form use for the formats.
FORMATS = {"eu-xml": ListSource.EU, "ftm": ListSource.OPENSANCTIONS}


def list_parse(source: str, content: bytes) -> list[ParsedEntry]:
    parser = PARSERS.get(source)
    if parser is None:
        raise ListFormatError([f"format: {source} is not imported from a file"])
    return parser(content)


# --- The denial register --------------------------------------------------------------------------
def denial_entries(rows) -> list[ParsedEntry]:
    """Entries for the denial register's rows (dicts from DenialRegisterEntry.values())."""
    entries = []
    for row in rows:
        names = [n for n in (row["consignee"], row["end_user"]) if n and n.strip()]
        if not names:
            continue
        entries.append(
            ParsedEntry(
                reference=f"{row['notifying_state_id']}/{row['reference']}",
                name=names[0],
                aliases=tuple(names[1:]),
                entity_kind=EntityKind.UNKNOWN,
                countries=_countries([row["destination_id"]]),
                programme=f"Denial, criteria {', '.join(str(c) for c in row['criteria'] or [])}",
                details={
                    "consignee": row["consignee"],
                    "end_user": row["end_user"],
                    "notified_on": str(row["notified_on"]),
                    "control_entry": row["control_entry"],
                    "own": row["own"],
                },
            )
        )
    return entries
