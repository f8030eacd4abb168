"""The map of the code stays whole: every app under licensing/ is in README's "What is where", in the ownership
table of docs/architecture.md and in a layer of .importlinter (an app missing from one of them is unowned)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(p.name for p in (ROOT / "licensing").iterdir() if (p / "__init__.py").exists())


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end != -1 else None]


def test_there_are_apps_to_check():
    assert {"core", "denials", "casework", "demo", "customs", "licences"} <= set(APPS)


def test_readme_what_is_where_names_every_app():
    where = section((ROOT / "README.md").read_text(encoding="utf-8"), "## What is where")
    assert [app for app in APPS if f"`{app}`" not in where] == []


def test_architecture_owns_every_app_and_the_layers_hold_them_all():
    owners = section((ROOT / "docs/architecture.md").read_text(encoding="utf-8"), "## Who owns what")
    assert [app for app in APPS if not re.search(rf"^\| [^|]*`{app}`", owners, re.M)] == []
    layers = (ROOT / ".importlinter").read_text(encoding="utf-8")
    assert [app for app in APPS if not re.search(rf"^\s+.*\blicensing\.{app}\b", layers, re.M)] == []
