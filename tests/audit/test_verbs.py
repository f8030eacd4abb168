"""Event verbs are a closed vocabulary (licensing/audit/verbs.py): the machines' moves and a short list of other
events. A scan of the source proves every recorded verb is one of them."""
import ast
from pathlib import Path

import pytest

from licensing.audit import verbs
from licensing.audit.transitions import MACHINES, move_verbs

SOURCE = Path(__file__).resolve().parents[2] / "licensing"
# The recorder passes its caller's verb on; the mechanism records `<machine>.<action>` from the tables themselves.
NOT_CALLERS = {SOURCE / "audit" / "services.py", SOURCE / "audit" / "transitions.py"}


def _modules():
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(), filename=str(path))


def _constants(tree) -> dict[str, str]:
    """Module-level NAME = "string" assignments (e.g. NOTIFIED = "decision.notified")."""
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _local_strings(function, name: str) -> list | None:
    """The strings a local variable is assigned in a function, if every assignment is a string or a choice of two."""
    found = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            found.extend(_strings(node.value, {}) or [None])
    return found if found and None not in found else None


def _strings(node, constants) -> list | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    if isinstance(node, ast.IfExp):
        body, orelse = _strings(node.body, constants), _strings(node.orelse, constants)
        return body + orelse if body is not None and orelse is not None else None
    return None


def recorded_verbs() -> tuple[list[tuple[str, str]], list[str]]:
    """(path:line, verb) of every event_record/EventDraft verb in the code, and the places whose verb is not a plain
    string (so cannot be checked)."""
    found, unreadable = [], []
    for path, tree in _modules():
        if path in NOT_CALLERS:
            continue
        constants = _constants(tree)
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in ("event_record", "EventDraft"):
                continue
            verb = next((k.value for k in node.keywords if k.arg == "verb"), None)
            where = f"{path.relative_to(SOURCE.parent)}:{node.lineno}"
            values = _strings(verb, constants) if verb is not None else None
            if values is None and isinstance(verb, ast.Name):
                enclosing = [f for f in functions if f.lineno <= node.lineno <= f.end_lineno]
                values = _local_strings(enclosing[-1], verb.id) if enclosing else None
            if values is None:
                unreadable.append(where)
            found.extend((where, v) for v in values or ())
    return found, unreadable


def test_every_recorded_verb_is_a_move_of_a_table_or_a_listed_other_event():
    found, unreadable = recorded_verbs()
    assert not unreadable, f"verbs that are not plain strings (write them out, or make the move through its machine): {unreadable}"
    assert len(found) >= 25  # the scan sees the code (a broken scan would pass vacuously)
    unknown = [(where, verb) for where, verb in found if verb not in verbs.known()]
    assert not unknown, f"unknown verbs (add a move to a machine's table, or the verb to audit.verbs.OTHER_VERBS): {unknown}"


def test_no_move_is_recorded_by_hand_outside_its_machine():
    """A move's verb recorded with event_record would be a status change around the mechanism."""
    found, _ = recorded_verbs()
    by_hand = [(where, verb) for where, verb in found if verb in move_verbs()]
    assert not by_hand


def test_the_enum_holds_every_machines_moves_and_the_other_verbs():
    assert set(MACHINES) >= {"application", "licence", "registration", "assessment", "consultation"}
    assert {v.value for v in verbs.Verb} == set(move_verbs()) | set(verbs.OTHER_VERBS)
    assert verbs.Verb("licence.extended") is verbs.Verb.LICENCE__EXTENDED
    assert verbs.Verb.APPLICATION__SUBMIT == "application.submit"
    assert not set(verbs.OTHER_VERBS) & move_verbs(), "a verb is either a move or another event, never both"


def test_every_listed_other_verb_is_recorded_somewhere():
    """The list does not keep verbs no code records any more."""
    found, _ = recorded_verbs()
    assert set(verbs.OTHER_VERBS) <= {verb for _, verb in found}


@pytest.mark.parametrize("verb", ["licence.suspended", "application.approve", "x"])
def test_a_verb_outside_the_vocabulary_is_not_a_verb(verb):
    with pytest.raises(ValueError):
        verbs.Verb(verb)
