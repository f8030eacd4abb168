"""
The options of a field of checkboxes or radios, each in its label, as templates/includes/field.html shows them:

    {% load choices %}<div class="checks">{{ field|choice_labels }}</div>

Each input is what Django's widget templates write for it (input_option.html, input.html, attrs.html:
tests/web/test_field_template.py holds the two to the same markup), written here rather than by three templates an
option: the case page's decision form has some fifty options (the grounds once for the decision and once per goods
line), and rendering them through the templates took a fifth of the page's time.
"""
from django import template
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False. A value is always escaped, as the
    template's `stringformat` makes it a new string."""
    return "".join(
        "" if value is False else f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
    )


def option_input(option: dict) -> SafeString:
    """input.html for one option of a choice widget (BoundWidget.data)."""
    value = "" if option["value"] is None else f' value="{escape(option["value"])}"'
    return mark_safe(f'<input type="{conditional_escape(option["type"])}" name="{conditional_escape(option["name"])}"{value}{_attrs(option["attrs"])}>')


@register.filter
def choice_labels(field) -> SafeString:
    """Each option of `field` (a bound field of checkboxes or radios) as `<label class="check" for=id>input label</label>`."""
    return mark_safe("".join(
        format_html('<label class="check" for="{}">{} {}</label>', choice.id_for_label, option_input(choice.data), choice.choice_label) for choice in field
    ))
