"""
Which assessment framework (toetsingskader) applies to a case: the one place that decides it.

Seed 002 ("Toetsingskader", "Toetsingskader Foltergoederen"; docs PROCESS.md section 5):
- military goods are assessed against the eight criteria of Common Position 2008/944/CFSP;
- dual-use goods (and unlisted goods made licensable under the catch-all of Regulation (EU) 2021/821) against the
  considerations of its Article 15, and "net als militaire goederen" also against the Common Position when their
  end use is military;
- anti-torture goods on the grounds of Regulation (EU) 2019/125.
A case with goods of several kinds answers every framework that applies. Assessments, decisions, letters and the
denial register all ask `frameworks_for`; nothing else decides it.

How a set of cited grounds is worded in a letter or an export is `basis_text` and `ground_codes` here too.
"""
from collections.abc import Iterable

from .models import AssessmentFramework, Criterion, Framework
from .selectors import cached

# The values of licensing.applications.choices.GoodsKind and EndUse (reference data sits below applications).
_FRAMEWORK_OF_GOODS = {
    "military": Framework.COMMON_POSITION,
    "dual_use": Framework.DUAL_USE,
    "unlisted": Framework.DUAL_USE,
    "anti_torture": Framework.ANTI_TORTURE,
}
MILITARY_END_USE = "military"


def frameworks_for(*, goods_kinds: Iterable[str], end_use: str) -> list[str]:
    """The frameworks a case with goods of `goods_kinds` and this end use is assessed against, in the fixed order
    Common Position, dual-use, anti-torture. Empty when there are no goods (a general-licence registration)."""
    applying = set()
    for kind in goods_kinds:
        framework = _FRAMEWORK_OF_GOODS.get(str(kind))
        if framework is None:
            raise ValueError(f"no assessment framework for goods of kind {kind!r}")
        applying.add(framework)
        if framework == Framework.DUAL_USE and end_use == MILITARY_END_USE:
            applying.add(Framework.COMMON_POSITION)
    return [f.value for f in Framework if f in applying]


def grounds_of(frameworks: Iterable[str]) -> list[Criterion]:
    """The grounds (criteria) of these frameworks, framework by framework, with their sub-points: from the shared
    reference cache (selectors.cached: two queries when it is cold), as a case page asks for them for the decision
    form, the advisor's form and the findings alike."""
    wanted = set(frameworks)
    return [ground for ground in _grounds() if ground.framework_id in wanted]


def _grounds() -> list[Criterion]:
    return cached("grounds", lambda: list(Criterion.objects.select_related("framework").prefetch_related("sub_points").order_by("framework__position", "number")))


def _label(obj, field: str, language: str) -> str:
    return getattr(obj, f"{field}_nl") if language == "nl" else getattr(obj, f"{field}_en")


def grounds_index() -> dict[int, Criterion]:
    """Every ground by its number, with its framework: one query when the shared reference cache is cold
    (selectors.cached; the signals forget it when a ground or a framework changes), so that a page citing the
    grounds of a decision, its lines and the register entries beside it reads them once, not once a citation."""
    return cached("grounds_index", lambda: {g.number: g for g in Criterion.objects.select_related("framework")})


def basis_parts(numbers: Iterable[int], *, index: dict[int, Criterion] | None = None) -> list[tuple[AssessmentFramework, list[Criterion]]]:
    """The cited grounds grouped by framework, frameworks in their fixed order. A number no ground has is an error:
    a letter must never cite less than the record holds."""
    index = grounds_index() if index is None else index
    try:
        cited = sorted((index[int(n)] for n in set(numbers)), key=lambda g: (g.framework.position, g.number))
    except KeyError as exc:
        raise ValueError(f"unknown ground {exc.args[0]!r}: load the reference data") from None
    parts: dict[str, tuple[AssessmentFramework, list[Criterion]]] = {}
    for ground in cited:
        parts.setdefault(ground.framework_id, (ground.framework, []))[1].append(ground)
    return list(parts.values())


def cited_by_act(numbers: Iterable[int], *, language: str, index: dict[int, Criterion] | None = None) -> list[tuple[str, str]]:
    """(the act, its grounds cited) per framework of the cited grounds, in the fixed order: ("Council Common Position
    2008/944/CFSP", "criteria 2, 7"), ("Regulation (EU) 2021/821", "Article 15(1)(d)"). Each ground names its own
    framework: a page headed by the act says which one applies."""
    parts = []
    for framework, grounds in basis_parts(numbers, index=index):
        plural = _label(framework, "plural", language)
        cited = f"{plural} {', '.join(g.code for g in grounds)}" if plural and len(grounds) > 1 else ", ".join(_label(g, "label", language) for g in grounds)
        parts.append((_label(framework, "act", language), cited))
    return parts


def basis_text(numbers: Iterable[int], *, language: str, index: dict[int, Criterion] | None = None) -> str:
    """The legal basis as a letter words it: "criteria 2, 7 of Council Common Position 2008/944/CFSP; Article 15(1)(d)
    of Regulation (EU) 2021/821" ("criteria 2, 7 van Gemeenschappelijk Standpunt ..."). Empty when nothing is cited."""
    joiner = "van" if language == "nl" else "of"
    return "; ".join(f"{cited} {joiner} {act}" for act, cited in cited_by_act(numbers, language=language, index=index))


def ground_codes(numbers: Iterable[int], *, index: dict[int, Criterion] | None = None) -> list[str]:
    """The short codes of cited grounds, as the EU exchange prints them ("2", "15(1)(d)")."""
    return [g.code for _, grounds in basis_parts(numbers, index=index) for g in grounds]


def framework_acts(codes: Iterable[str], *, language: str) -> list[str]:
    """The acts of these frameworks as a letter names them, in the fixed order."""
    wanted = set(codes)
    return [_label(f, "act", language) for f in AssessmentFramework.objects.filter(code__in=wanted)]
