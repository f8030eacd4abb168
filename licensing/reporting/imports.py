"""
Import of decisions from a previous system (`manage.py import_decisions FILE.csv`), so that the report tables
cover the years before this system. All or nothing: every row is checked, every error reported as
`row N: field: message` (the header is row 1), and nothing is saved unless every row is good. Importing the
same file twice adds nothing: a reference that already exists with the same content is skipped; with other
content it is an error.

An issued row becomes a Decision (source "import") with a Licence (number = reference, holder "(imported)",
valid from the decision date for two years) and one LicenceLine; a denied row becomes a Decision and one of our
own entries in the denial register (notified by this office, destination the first destination). The optional
columns `consignee, end_user, criteria, goods_description` carry the parties, grounds and goods: a denied row's
register entry gets them (without them: goods = the control entry, no parties, no criteria), an issued row's licence
its consignee, end user and line description. Every decision keeps the row's value (`Decision.value_eur`),
so table 3 can sum denied values too. A reference that is already one of our denials (registered by
`import_denials`) is refused: one denial, one register entry.

An imported licence that meets the parliament fast-track rule (PROCESS.md 6.3: the routing rule
`fast_track.parliament`, evaluated on the row's facts for each destination, as routing does for live
applications) gets its ParliamentNotification, due two weeks after the decision. The file does not say whether
or when the previous system sent it, so it is imported as not sent (the report shows it as "not recorded").
A replacement is no new licence and gets none.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction

from licensing.applications.choices import GoodsKind, Movement
from licensing.denials.models import DenialRegisterEntry
from licensing.licences.models import Decision, Licence, LicenceKind, LicenceLine, Outcome, ParliamentNotification, Source
from licensing.licences.decisions import FAST_TRACK_DAYS
from licensing.reference.control_list import LISTS_OF_GOODS_KIND, InvalidControlEntry, entry_fits_goods_kind, parse_entry
from licensing.reference.selectors import country_exists
from licensing.routing.determination import Facts, situation
from licensing.routing.rules import RULES_BY_STAGE, Stage

COLUMNS = [
    "reference",
    "decided_on",
    "decision",
    "goods_kind",
    "licence_kind",
    "movement",
    "destinations",
    "control_entry",
    "value_eur",
    "complete_system",
    "temporary",
    "return_after_repair",
    "replaces",
]
# Columns a file may add after the required ones, in any order; a file without them imports as before.
# repaired_goods_from_netherlands (true/false, only with return_after_repair): the seed leaves a return after repair
# out of the figures only for goods earlier delivered from the Netherlands. Without the column a return after
# repair is taken to be one (the previous system left every one out).
OPTIONAL_COLUMNS = [
    "repaired_goods_from_netherlands",
    "consignee",
    "end_user",
    "criteria",
    "goods_description",
    "catch_all",
]
# catch_all (true/false): decided under a catch-all (an ad-hoc licence requirement on unlisted goods, or on dual-use
# items in transit or brokered): table 3 counts it in its "Catch All" row (seed 002 lines 466-497). Its goods kind is
# dual_use, or unlisted with no control entry (unlisted goods need a licence only under a catch-all).
# The optional parties, grounds and goods (issue 19.8): a licensing office moving to this system keeps the names and
# grounds of its earlier denials, to screen and consult against. A denied row carries them into our denial register
# (criteria numbers 1-8 separated by ';'); an issued row's licence keeps its consignee, end user and description.
MAX_NAME = 300
MAX_DESCRIPTION = 2000
DECISIONS = (Outcome.ISSUED, Outcome.DENIED)
GOODS_KINDS = (GoodsKind.MILITARY, GoodsKind.DUAL_USE, GoodsKind.ANTI_TORTURE)
CATCH_ALL_GOODS_KINDS = (GoodsKind.DUAL_USE, GoodsKind.UNLISTED)
LICENCE_KINDS = tuple(LicenceKind.values)
MOVEMENTS = tuple(Movement.values)
HOLDER = "(imported)"
MAX_ROWS = 200_000
MAX_VALUE = Decimal("99999999999999.99")  # max_digits=16, decimal_places=2


@dataclass
class ImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Row:
    number: int
    reference: str
    decided_on: date
    decision: str
    goods_kind: str
    licence_kind: str
    movement: str
    destinations: list[str]
    control_entry: str
    ml_category: str
    value_eur: Decimal
    complete_system: bool
    temporary: bool
    return_after_repair: bool
    replaces: str
    repaired_goods_from_netherlands: bool = False
    consignee: str = ""
    end_user: str = ""
    criteria: list[int] = field(default_factory=list)
    goods_description: str = ""
    catch_all: bool = False

    @property
    def description(self) -> str:
        """What the goods are called: the file's description, else the control entry (as before the column)."""
        return self.goods_description or self.control_entry


def _two_years_after(day: date) -> date:
    """The validity of an imported licence: two calendar years (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year + 2)
    except ValueError:
        return day.replace(year=day.year + 2, day=28)


def _choice(values: dict, name: str, allowed: tuple, problems: list[str]) -> str:
    value = values[name].lower()
    if value not in allowed:
        problems.append(f"{name}: '{values[name]}' is not one of {', '.join(allowed)}")
    return value


def _boolean(values: dict, name: str, problems: list[str]) -> bool:
    value = values[name].lower()
    if value not in ("true", "false"):
        problems.append(f"{name}: '{values[name]}' is not true or false")
    return value == "true"


def _parse(values: dict, number: int) -> tuple[Row | None, list[str]]:
    problems: list[str] = []
    reference = values["reference"]
    if not reference:
        problems.append("reference: required")
    elif len(reference) > 40:
        problems.append("reference: longer than 40 characters")
    try:
        decided_on = date.fromisoformat(values["decided_on"])
    except ValueError:
        decided_on = None
        problems.append(f"decided_on: '{values['decided_on']}' is not a date (YYYY-MM-DD)")
    decision = _choice(values, "decision", DECISIONS, problems)
    catch_all = _boolean(values, "catch_all", problems) if values.get("catch_all") else False
    goods_kind = _choice(values, "goods_kind", CATCH_ALL_GOODS_KINDS if catch_all else GOODS_KINDS, problems)
    licence_kind = _choice(values, "licence_kind", LICENCE_KINDS, problems)
    movement = _choice(values, "movement", MOVEMENTS, problems)

    destinations = [code.strip().upper() for code in values["destinations"].split(";") if code.strip()]
    if not destinations:
        problems.append("destinations: give at least one ISO country code")
    for code in destinations:
        if not country_exists(code):
            problems.append(f"destinations: unknown country code '{code}'")
    if len(set(destinations)) != len(destinations):
        problems.append("destinations: a country appears twice")

    control_entry, ml_category, parsed = values["control_entry"], "", None
    if goods_kind == GoodsKind.UNLISTED:
        if control_entry:
            problems.append(f"control_entry: unlisted goods have no control-list entry; leave it empty (got '{control_entry}')")
    else:
        try:
            parsed = parse_entry(control_entry)
        except InvalidControlEntry as exc:
            problems.append(f"control_entry: {exc}")
    if parsed is not None:
        control_entry, ml_category = parsed.code, parsed.ml_category or ""
        if goods_kind in LISTS_OF_GOODS_KIND and not entry_fits_goods_kind(parsed, goods_kind):
            problems.append(f"control_entry: {parsed.code} is a {parsed.regime.replace('_', '-')} entry, not one for {goods_kind.replace('_', '-')} goods")

    value_eur = Decimal(0)
    try:
        value_eur = Decimal(values["value_eur"])
        if not value_eur.is_finite() or "," in values["value_eur"]:
            raise InvalidOperation
        if value_eur < 0 or value_eur > MAX_VALUE or value_eur != value_eur.quantize(Decimal("0.01")):
            problems.append(f"value_eur: '{values['value_eur']}' must be 0 or more, with at most two decimals")
    except (InvalidOperation, ValueError):
        problems.append(f"value_eur: '{values['value_eur']}' is not a decimal number ('.' as decimal separator)")

    complete_system = _boolean(values, "complete_system", problems)
    temporary = _boolean(values, "temporary", problems)
    return_after_repair = _boolean(values, "return_after_repair", problems)
    from_netherlands = return_after_repair
    if values.get("repaired_goods_from_netherlands"):
        from_netherlands = _boolean(values, "repaired_goods_from_netherlands", problems)
        if from_netherlands and not return_after_repair:
            problems.append("repaired_goods_from_netherlands: only a return after repair (return_after_repair true) can be true")
    replaces = values["replaces"]
    if replaces and decision == Outcome.DENIED:
        problems.append("replaces: a denial replaces no licence")
    if replaces and replaces == reference:
        problems.append("replaces: a licence cannot replace itself")
    parties = {}
    for name in ("consignee", "end_user"):
        parties[name] = values.get(name, "")
        if len(parties[name]) > MAX_NAME:
            problems.append(f"{name}: longer than {MAX_NAME} characters")
    goods_description = values.get("goods_description", "")
    if len(goods_description) > MAX_DESCRIPTION:
        problems.append(f"goods_description: longer than {MAX_DESCRIPTION} characters")
    criteria: list[int] = []
    if values.get("criteria"):
        try:
            criteria = sorted({int(c) for c in values["criteria"].split(";") if c.strip()})
            if not criteria or any(c < 1 or c > 8 for c in criteria):
                raise ValueError
        except ValueError:
            problems.append(f"criteria: '{values['criteria']}' must be criterion numbers 1-8 separated by ';'")
        if decision == Outcome.ISSUED:
            problems.append("criteria: only a denial cites criteria")
    if problems:
        return None, problems
    return (
        Row(
            number=number,
            reference=reference,
            decided_on=decided_on,
            decision=decision,
            goods_kind=goods_kind,
            licence_kind=licence_kind,
            movement=movement,
            destinations=destinations,
            control_entry=control_entry,
            ml_category=ml_category,
            value_eur=value_eur.quantize(Decimal("0.01")),
            complete_system=complete_system,
            temporary=temporary,
            return_after_repair=return_after_repair,
            replaces=replaces,
            repaired_goods_from_netherlands=from_netherlands,
            consignee=parties["consignee"],
            end_user=parties["end_user"],
            criteria=criteria,
            goods_description=goods_description,
            catch_all=catch_all,
        ),
        [],
    )


def _read(content: bytes, result: ImportResult) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("file: not UTF-8 text")
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    extra = header[len(COLUMNS) :]
    if header[: len(COLUMNS)] != COLUMNS or not set(extra) <= set(OPTIONAL_COLUMNS) or len(set(extra)) != len(extra):
        result.errors.append(
            f"header: expected {','.join(COLUMNS)}, then any of {','.join(OPTIONAL_COLUMNS)}; got {','.join(header) or 'nothing'}"
        )
        return []
    rows, first_row_of = [], {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line (e.g. at the end of the file)
        if number - 1 > MAX_ROWS:
            result.errors.append(f"file: more than {MAX_ROWS} rows")
            break
        if len(cells) != len(header):
            result.errors.append(f"row {number}: columns: {len(cells)} columns, expected {len(header)}")
            continue
        row, problems = _parse(dict(zip(header, (c.strip() for c in cells))), number)
        result.errors.extend(f"row {number}: {p}" for p in problems)
        if row is None:
            continue
        if row.reference in first_row_of:
            result.errors.append(f"row {number}: reference: {row.reference} appears twice in the file (first in row {first_row_of[row.reference]})")
            continue
        first_row_of[row.reference] = number
        rows.append(row)
    return rows


def _existing(references: list[str]) -> tuple[dict[str, Decision], dict[str, Licence]]:
    decisions, licences = {}, {}
    for start in range(0, len(references), 1000):
        chunk = references[start : start + 1000]
        for decision in Decision.objects.filter(reference__in=chunk).select_related("licence__replaces").prefetch_related(
            "licence__destinations", "licence__lines", "denial_entries"
        ):
            decisions[decision.reference] = decision
        for licence in Licence.objects.filter(number__in=chunk).select_related("decision"):
            licences[licence.number] = licence
    return decisions, licences


def _same(decision: Decision, row: Row) -> bool:
    """Whether an existing decision says what the row says (then the row is already imported)."""
    common = (decision.outcome, decision.decided_on, decision.goods_kind, decision.licence_kind, decision.movement, decision.catch_all)
    if common != (row.decision, row.decided_on, row.goods_kind, row.licence_kind, row.movement, row.catch_all):
        return False
    if decision.value_eur is not None and decision.value_eur != row.value_eur:  # None: imported before values were kept
        return False
    if row.decision == Outcome.DENIED:
        entries = list(decision.denial_entries.all())
        return (
            len(entries) == 1
            and (entries[0].destination_id, entries[0].control_entry) == (row.destinations[0], row.control_entry)
            and (entries[0].goods_description, entries[0].consignee, entries[0].end_user, entries[0].criteria)
            == (row.description, row.consignee, row.end_user, row.criteria)
        )
    licence = getattr(decision, "licence", None)
    if licence is None:
        return False
    lines = list(licence.lines.all())
    return (
        licence.value_eur == row.value_eur
        and sorted(c.code for c in licence.destinations.all()) == sorted(row.destinations)
        and (licence.complete_system, licence.temporary, licence.return_after_repair, licence.repaired_goods_from_netherlands)
        == (row.complete_system, row.temporary, row.return_after_repair, row.repaired_goods_from_netherlands)
        and (licence.replaces.number if licence.replaces else "") == row.replaces
        and (licence.consignee, licence.end_user) == (row.consignee, row.end_user)
        and len(lines) == 1
        and (lines[0].control_entry, lines[0].description) == (row.control_entry, row.description)
    )


def _check_against_database(rows: list[Row], result: ImportResult) -> list[Row]:
    """The rows still to create; errors for references taken by other content and for bad replacements."""
    decisions, licences = _existing([r.reference for r in rows] + [r.replaces for r in rows if r.replaces])
    denied = [r.reference for r in rows if r.decision == Outcome.DENIED and r.reference not in decisions]
    own_denials = set()
    for start in range(0, len(denied), 1000):
        own_denials.update(
            DenialRegisterEntry.objects.filter(own=True, reference__in=denied[start : start + 1000]).values_list("reference", flat=True)
        )
    in_file = {r.reference: r for r in rows}
    new = []
    for row in rows:
        existing = decisions.get(row.reference)
        if existing is not None:
            if _same(existing, row):
                result.unchanged += 1
            else:
                result.errors.append(f"row {row.number}: reference: {row.reference} already exists with other content")
            continue
        if row.reference in licences:
            result.errors.append(f"row {row.number}: reference: {row.reference} is already the number of a licence")
            continue
        if row.reference in own_denials:
            result.errors.append(f"row {row.number}: reference: {row.reference} is already one of our denials")
            continue
        if row.replaces:
            earlier = in_file.get(row.replaces)
            if earlier is not None:
                if earlier.decision != Outcome.ISSUED:
                    result.errors.append(f"row {row.number}: replaces: {row.replaces} (row {earlier.number}) is a denial, not a licence")
                elif earlier.decided_on > row.decided_on:
                    result.errors.append(f"row {row.number}: replaces: {row.replaces} was decided after this licence")
            elif row.replaces in licences:
                if licences[row.replaces].decision.decided_on > row.decided_on:
                    result.errors.append(f"row {row.number}: replaces: {row.replaces} was decided after this licence")
            else:
                result.errors.append(f"row {row.number}: replaces: no licence {row.replaces} in this file or already imported")
        new.append(row)
    return new


def _fast_track(row: Row) -> bool:
    """Whether the imported licence meets the parliament fast-track rule (the routing's own rule, per destination)."""
    if row.decision != Outcome.ISSUED or row.replaces:
        return False
    for destination in row.destinations:
        facts = Facts(
            goods_kind=row.goods_kind,
            movement=row.movement,
            destination=destination,
            control_entry=row.control_entry,
            value_eur=row.value_eur,
            complete_system=row.complete_system,
            temporary=row.temporary,
        )
        facts_situation = situation(facts)
        if any(rule.applies(facts_situation) for rule in RULES_BY_STAGE[Stage.PARLIAMENT]):
            return True
    return False


def _denial_entries(rows: list[Row], decisions: dict[str, Decision]) -> list[DenialRegisterEntry]:
    return [
        DenialRegisterEntry(
            reference=row.reference,
            own=True,
            notifying_state_id=settings.NOTIFYING_STATE,
            notified_on=row.decided_on,
            destination_id=row.destinations[0],
            goods_description=row.description,
            control_entry=row.control_entry,
            consignee=row.consignee,
            end_user=row.end_user,
            criteria=row.criteria,
            decision=decisions[row.reference],
        )
        for row in rows
        if row.decision == Outcome.DENIED
    ]


def _save(rows: list[Row]) -> None:
    decisions = {
        d.reference: d
        for d in Decision.objects.bulk_create(
            Decision(
                reference=row.reference,
                source=Source.IMPORT,
                outcome=row.decision,
                decided_on=row.decided_on,
                goods_kind=row.goods_kind,
                licence_kind=row.licence_kind,
                movement=row.movement,
                value_eur=row.value_eur,
                criteria=row.criteria,
                catch_all=row.catch_all,
            )
            for row in rows
        )
    }
    if any(d.pk is None for d in decisions.values()):  # a backend that does not return ids from bulk inserts
        decisions = {d.reference: d for d in Decision.objects.filter(reference__in=list(decisions))}
    issued = [row for row in rows if row.decision == Outcome.ISSUED]
    licences = {
        licence.number: licence
        for licence in Licence.objects.bulk_create(
            Licence(
                number=row.reference,
                decision=decisions[row.reference],
                holder_name=HOLDER,
                kind=row.licence_kind,
                goods_kind=row.goods_kind,
                movement=row.movement,
                valid_from=row.decided_on,
                valid_to=_two_years_after(row.decided_on),
                value_eur=row.value_eur,
                consignee=row.consignee,
                end_user=row.end_user,
                complete_system=row.complete_system,
                temporary=row.temporary,
                return_after_repair=row.return_after_repair,
                repaired_goods_from_netherlands=row.repaired_goods_from_netherlands,
            )
            for row in issued
        )
    }
    if any(licence.pk is None for licence in licences.values()):
        licences = {licence.number: licence for licence in Licence.objects.filter(number__in=list(licences))}
    through = Licence.destinations.through
    through.objects.bulk_create(
        through(licence_id=licences[row.reference].pk, country_id=code) for row in issued for code in row.destinations
    )
    LicenceLine.objects.bulk_create(
        LicenceLine(
            licence=licences[row.reference],
            position=0,
            description=row.description,
            control_entry=row.control_entry,
            ml_category=row.ml_category,
            value_eur=row.value_eur,
            complete_system=row.complete_system,
        )
        for row in issued
    )
    replacing = [row for row in issued if row.replaces]
    if replacing:
        replaced = {licence.number: licence.pk for licence in Licence.objects.filter(number__in=[r.replaces for r in replacing])}
        for row in replacing:
            licences[row.reference].replaces_id = replaced[row.replaces]
        Licence.objects.bulk_update([licences[row.reference] for row in replacing], ["replaces"])
    DenialRegisterEntry.objects.bulk_create(_denial_entries(rows, decisions))
    ParliamentNotification.objects.bulk_create(
        ParliamentNotification(licence=licences[row.reference], due_on=row.decided_on + timedelta(days=FAST_TRACK_DAYS))
        for row in issued
        if _fast_track(row)
    )


def decisions_import(content: bytes) -> ImportResult:
    """Check every row of the CSV, then save all of them or none. Idempotent."""
    result = ImportResult()
    rows = _read(content, result)
    if result.errors:
        return result
    new = _check_against_database(rows, result)
    if result.errors:
        result.unchanged = 0
        return result
    with transaction.atomic():
        _save(new)
    result.created = len(new)
    return result
