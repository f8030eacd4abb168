"""What of a determination a reader may see: officials see every rule that fired, others not the internal ones.

An internal rule (rules.Rule.internal) would tell the exporter what the office keeps to itself: that an
administrator holds the destination politically sensitive. Its effect (the ministry decides) still shows.
"""
from .rules import RULES, RULES_BY_ID, Effect


INTERNAL_RULE_IDS = frozenset(r.id for r in RULES if r.internal)


def visible_determination(determination: dict, user) -> dict:
    """The determination (as stored or as_dict()) without internal rules, unless `user` is an official."""
    if not determination or getattr(user, "is_official", False):
        return determination
    rules = determination.get("rules") or []
    if not any(r.get("id") in INTERNAL_RULE_IDS for r in rules):
        return determination
    return {**determination, "rules": [r for r in rules if r.get("id") not in INTERNAL_RULE_IDS]}


def deciding_rules(determination: dict) -> list[dict]:
    """The fired rules that led to who decides: those whose effect is the handler (a kind the office always handles
    names its own rule), or that prohibit when nothing may be licensed. Not the rules checked on the way, which answer
    other questions: that a licence is needed, or that a general licence would cover the goods (nothing an applicant
    for an individual licence is deciding by). A stored rule the code no longer knows is left out."""
    from .services import OFFICE_KINDS  # the rules of the kinds the office always handles (services imports this module's callers)

    kinds = {r.id for r in OFFICE_KINDS.values()}
    effect = Effect.PROHIBITS.value if determination.get("prohibited") else determination.get("handler")
    rules = determination.get("rules") or []
    return [r for r in rules if r.get("id") in kinds or (r.get("id") in RULES_BY_ID and RULES_BY_ID[r["id"]].effect.value == effect)]
