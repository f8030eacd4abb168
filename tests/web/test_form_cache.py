"""An unbound form's fields are kept written (licensing.web.form_cache) under a description of every field: the same
form is written once, and any change to what the page would show (a choice, a label, the language, the initial value)
writes it anew; a bound form, with what was typed and its errors, is never kept."""
import uuid

import pytest
from django import forms
from django.core.cache.backends.locmem import LocMemCache
from django.utils import translation
from django.utils.translation import gettext_lazy

from licensing.core import kept
from licensing.web import form_cache
from licensing.web.fields import DateField


class Decision(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Decision"), choices=[("issued", "Issue"), ("denied", "Deny")])
    criteria = forms.MultipleChoiceField(label="Criteria", required=False, choices=[("1", "One"), ("2", "Two")], widget=forms.CheckboxSelectMultiple)
    valid_to = DateField(label="Valid until", required=False)

    def __init__(self, *args, grounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if grounds is not None:
            self.fields["criteria"].choices = grounds


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch):
    """A cache of the test's own (clearing the shared one would clear the broker's Redis database in CI)."""
    monkeypatch.setattr(kept, "cache", LocMemCache(f"form-cache-test-{uuid.uuid4()}", {}))


@pytest.fixture
def writes(monkeypatch):
    """How often the fields were written rather than read from the cache."""
    count = {"n": 0}
    written = form_cache._written

    def counting(form):
        count["n"] += 1
        return written(form)

    monkeypatch.setattr(form_cache, "_written", counting)
    return count


def test_the_same_form_is_written_once_and_reads_as_written(writes):
    first = form_cache.fields_html(Decision())
    again = form_cache.fields_html(Decision())
    assert writes["n"] == 1 and again == first == form_cache._written(Decision())
    assert 'name="criteria" value="2"' in first


@pytest.mark.parametrize(
    "other",
    [
        lambda: Decision(grounds=[("1", "One"), ("2", "Two"), ("3", "Three")]),  # another choice
        lambda: Decision(grounds=[("1", "One"), ("2", "Two (amended)")]),  # a label changed
        lambda: Decision(initial={"outcome": "denied"}),  # another initial value
        lambda: Decision(auto_id="other_%s"),  # other ids
    ],
)
def test_a_form_that_would_show_anything_else_is_written_anew(writes, other):
    form_cache.fields_html(Decision())
    html = form_cache.fields_html(other())
    assert writes["n"] == 2 and html == form_cache._written(other())


def test_each_language_its_own(writes):
    with translation.override("en"):
        english = form_cache.fields_html(Decision())
    with translation.override("nl"):
        dutch = form_cache.fields_html(Decision())
    assert writes["n"] == 2 and "Decision" in english and "Besluit" in dutch


def test_a_bound_form_is_never_kept(writes):
    bound = Decision({"outcome": "nonsense"})
    bound.is_valid()
    html = form_cache.fields_html(bound)
    form_cache.fields_html(bound)
    assert writes["n"] == 2 and "errorlist" in html
