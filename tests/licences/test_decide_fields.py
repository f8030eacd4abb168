"""Which fields of a decision each outcome reads has one home (licences.decisions.FIELDS_OF_OUTCOME): the services
_record hands a command to read exactly those, and the decision form offers those of the outcomes it offers and no
other (a licence's form asked for a sondage's answer and a classification's control entry)."""
import pytest

from licensing.licences import decisions
from licensing.licences.decisions import FIELDS_OF_OUTCOME, DecideCommand, _record
from licensing.licences.models import Outcome
from licensing.web.decisions import DecisionForm

SERVICES = {Outcome.ISSUED: "decision_issue", Outcome.DENIED: "decision_deny", Outcome.ANSWERED: "decision_answer_sondage", Outcome.RULED: "decision_rule"}


@pytest.mark.parametrize("outcome", list(SERVICES))
def test_each_outcome_s_service_reads_the_fields_said(outcome, monkeypatch):
    called = {}
    monkeypatch.setattr(decisions, SERVICES[outcome], lambda **kwargs: called.update(kwargs))
    _record(actor=None, application=None, command=DecideCommand(outcome=outcome))
    read = set(called) - {"actor", "application", "on_objection"}
    # A denial's standard refusal reasons are read into its reasons before the service is called.
    assert read | ({"standard_reasons"} if outcome == Outcome.DENIED else set()) == set(FIELDS_OF_OUTCOME[outcome])
    assert set(FIELDS_OF_OUTCOME[outcome]) <= set(DecideCommand.__dataclass_fields__)


class _Line:
    def __init__(self, pk):
        self.pk, self.description, self.control_entry = pk, f"Line {pk}", "ML1"


class _Country:
    def __init__(self, code):
        self.code = code


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["individual", "global", "general_registration", "sondage", "classification"])
def test_the_form_offers_the_fields_of_its_outcomes_and_no_other(kind):
    form = DecisionForm(frameworks=["common_position"], kind=kind, goods=[_Line(1), _Line(2)], destinations=[_Country("NO"), _Country("US")])
    read = {name for outcome in decisions.outcomes_for(kind) for name in FIELDS_OF_OUTCOME[outcome]}
    plain = {name for name in form.fields if not name.startswith(("line_", "deny_destination_"))}
    assert plain == {"outcome"} | (read - {"lines", "denied_destinations"})
    assert any(name.startswith("line_") for name in form.fields) == (kind in decisions.KINDS_DECIDED_PER_LINE and "lines" in read)
    assert any(name.startswith("deny_destination_") for name in form.fields) == (kind in decisions.KINDS_DECIDED_PER_LINE and "denied_destinations" in read)


@pytest.mark.django_db
def test_a_form_offering_only_a_denial_asks_nothing_of_a_licence():
    form = DecisionForm(frameworks=["common_position"], kind="individual", outcomes=[Outcome.DENIED])
    assert "conditions" not in form.fields and "valid_to" not in form.fields and "standard_conditions" not in form.fields
    assert {"reasons", "criteria", "standard_reasons"} <= set(form.fields)
