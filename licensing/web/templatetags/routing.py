"""Template filters for the routing result stored on an application."""
from django import template

from licensing.routing.rules import rule_text as _rule_text

register = template.Library()


@register.filter
def rule_text(fired: dict) -> str:
    """A stored fired rule ({"id", "text"}) read in the reader's language: `{{ rule|rule_text }}`."""
    return _rule_text(fired.get("id", ""), fired.get("text", ""))
