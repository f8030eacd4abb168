"""What of a determination a reader may see: officials see every rule that fired, others not the internal ones.

An internal rule (rules.Rule.internal) would tell the exporter what the office keeps to itself: that an
administrator holds the destination politically sensitive. Its effect (the ministry decides) still shows.
"""
from .rules import RULES


INTERNAL_RULE_IDS = frozenset(r.id for r in RULES if r.internal)


def visible_determination(determination: dict, user) -> dict:
    """The determination (as stored or as_dict()) without internal rules, unless `user` is an official."""
    if not determination or getattr(user, "is_official", False):
        return determination
    rules = determination.get("rules") or []
    if not any(r.get("id") in INTERNAL_RULE_IDS for r in rules):
        return determination
    return {**determination, "rules": [r for r in rules if r.get("id") not in INTERNAL_RULE_IDS]}
