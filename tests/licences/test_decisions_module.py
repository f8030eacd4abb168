"""licensing.licences owns decisions, and its module `decisions` records them: no second place writes one."""
import importlib
import re
from pathlib import Path

import pytest

import licensing
from licensing.licences import decisions

ROOT = Path(licensing.__file__).parent
WRITES = re.compile(r"\bDecision\.objects\.(create|bulk_create|get_or_create|update_or_create)\(|(?<!class )\bDecision\(")
# Writes of Decision rows that are not the office deciding: a replacement licence's system record (lifecycle) and
# the import of past years' decisions for the reports (reporting.imports).
NOT_DECIDING = {"licences/lifecycle.py", "reporting/imports.py"}


def test_only_the_decisions_module_records_a_decision():
    writers = {
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and WRITES.search(path.read_text(encoding="utf-8"))
    }
    assert writers - NOT_DECIDING == {"licences/decisions.py"}


def test_the_decisions_module_is_the_one_home_of_deciding():
    assert callable(decisions.decision_issue) and callable(decisions.decision_blockers) and decisions.DECIDING
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("licensing.licences.services")  # no second module that might be taken for it
    for module in (licensing.licences, decisions):
        assert "owns decisions" in module.__doc__ or "owns them" in module.__doc__
