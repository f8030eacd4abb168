"""templates/includes/field.html writes each checkbox and radio option through the choice_labels filter
(licensing.web.templatetags.choices; Django's choice.tag renders three templates an option, a fifth of the case
page): it must write what Django's templates write."""
import re

import pytest
from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string

# What field.html wrote before the filter: each option's label around Django's own rendering of its input.
DJANGO = Template('{% for choice in field %}<label class="check" for="{{ choice.id_for_label }}">{{ choice.tag }} {{ choice.choice_label }}</label>{% endfor %}')


class Choices(forms.Form):
    criteria = forms.TypedMultipleChoiceField(
        label="Criteria", coerce=int, choices=[(1, "One"), (2, "Two & <three>"), (7, "Seven")], widget=forms.CheckboxSelectMultiple,
        help_text="Cite what the decision rests on.",
    )
    outcome = forms.ChoiceField(label="Outcome", choices=[("issued", "Issue"), ("denied", "Deny")], widget=forms.RadioSelect)
    texts = forms.MultipleChoiceField(
        label="Texts", required=False, choices=[("a\"b", "A <b>"), ("c", "C")], widget=forms.CheckboxSelectMultiple(attrs={"class": "x", "data-n": 1, "title": 'say "no" & <go>'})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound, nothing chosen
        {"criteria": ["2", "7"], "outcome": "denied"},  # chosen: checked
        {"criteria": ["9"], "outcome": ""},  # refused: errors, aria-invalid
    ],
)
@pytest.mark.parametrize("name", ["criteria", "outcome", "texts"])
def test_each_option_is_the_input_django_writes(data, name):
    form = Choices(data, initial={"criteria": [1]} if data is None else None, auto_id="case_%s")
    if data is not None:
        form.is_valid()
    field = form[name]
    html = render_to_string("includes/field.html", {"field": field})
    written = re.findall(r"<input [^>]*>", html)
    assert written == [str(choice.tag()) for choice in field]
    assert len(written) == len(field.field.choices)
    checks = re.search(r'<div class="checks">(.*?)</div>', html, re.S)[1]
    assert checks == DJANGO.render(Context({"field": field}))
