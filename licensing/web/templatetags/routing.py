"""Template filters for the routing result stored on an application."""
from django import template

from licensing.routing.rules import rule_text as _rule_text

register = template.Library()


@register.filter
def rule_text(fired: dict) -> str:
    """A stored fired rule ({"id", "text"}) read in the reader's language: `{{ rule|rule_text }}`."""
    return _rule_text(fired.get("id", ""), fired.get("text", ""))


@register.filter
def internal_rule(fired: dict) -> bool:
    """The fired rule is for officials only (see licensing.routing.visibility)."""
    from licensing.routing.visibility import INTERNAL_RULE_IDS

    return fired.get("id", "") in INTERNAL_RULE_IDS
