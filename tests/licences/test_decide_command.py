"""One typed command per decision (issue 16.4): the API's serializer and the page's form, each from its own wire format,
produce the same DecideCommand, and `decisions.decide` is the one dispatch to the decision services."""
import pytest

from licensing.api.decisions import DecisionIn
from licensing.licences.decisions import DecideCommand
from licensing.reference.frameworks import frameworks_for
from licensing.web.decisions import DecisionForm

CASES = [
    ({"outcome": "issued", "conditions": "No re-export.", "valid_to": "2027-06-30", "reasons": "As advised."},
     {"outcome": "issued", "conditions": "No re-export.", "valid_to": "2027-06-30", "reasons": "As advised."}),
    ({"outcome": "denied", "criteria": [2, 4], "reasons": "Risk of repression."},
     {"outcome": "denied", "criteria": ["2", "4"], "reasons": "Risk of repression."}),
    ({"outcome": "answered", "answer": "A licence is unlikely.", "positive": False, "criteria": [2]},
     {"outcome": "answered", "answer": "A licence is unlikely.", "criteria": ["2"]}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("api_body, form_body", CASES, ids=[c[0]["outcome"] for c in CASES])
def test_the_api_and_the_page_make_the_same_command(api_body, form_body):
    serializer = DecisionIn(data=api_body)
    assert serializer.is_valid(), serializer.errors
    kind = "sondage" if api_body["outcome"] == "answered" else "individual"
    form = DecisionForm(form_body, frameworks=frameworks_for(goods_kinds=["military"], end_use="military"), kind=kind)
    assert form.is_valid(), form.errors
    assert DecideCommand.of(serializer.validated_data) == DecideCommand.of(form.cleaned_data)
