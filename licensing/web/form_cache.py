"""
The fields of an unbound form as templates/includes/field.html writes them, kept in the shared cache (core.kept)
under a description of every field that the template and Django's widgets read (name, kind, label, hint, whether required,
the widget and its attributes, the choices, the initial value) and the page's language: the same form writes the same
markup, so a changed choice, label or language is another key and nothing stale is shown. The case page's decision
form (the grounds once for the decision and again for each goods line and destination) took a sixth of the page's
time to write on every view.

A bound form (typed values, errors) is written each time. A template change reaches a kept form within
FORM_CACHE_SECONDS.
"""
from django import forms
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from licensing.core.kept import kept

FORM_CACHE_SECONDS = 600


def fields_html(form: forms.Form) -> SafeString:
    """`form`'s fields, each through includes/field.html, as one piece of markup."""
    if form.is_bound:
        return _written(form)
    return mark_safe(kept("form-fields", _described(form), lambda: str(_written(form)), FORM_CACHE_SECONDS, from_database=False))


def _written(form: forms.Form) -> SafeString:
    return mark_safe("".join(render_to_string("includes/field.html", {"field": field}) for field in form))


def _described(form: forms.Form) -> tuple:
    fields = []
    for name, field in form.fields.items():
        widget = field.widget
        fields.append((
            name, type(field).__qualname__, type(widget).__module__, type(widget).__qualname__, widget.template_name,
            str(field.label), str(field.help_text), field.required, field.disabled, field.show_hidden_initial,
            getattr(widget, "input_type", None), getattr(widget, "format", None), sorted((k, str(v)) for k, v in widget.attrs.items()),
            [(str(value), str(label)) for value, label in getattr(field, "choices", ())], str(form.get_initial_for_field(field, name)),
        ))
    return (type(form).__module__, type(form).__qualname__, form.prefix, form.auto_id, form.label_suffix, translation.get_language(), fields)
