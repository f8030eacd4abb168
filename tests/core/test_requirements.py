"""The lock file `make` installs from pins every runtime dependency within the ranges requirements.txt accepts."""
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def _lines(name: str) -> list[str]:
    return [line.split("#", 1)[0].strip() for line in (ROOT / name).read_text().splitlines() if line.split("#", 1)[0].strip()]


def test_the_lock_pins_every_runtime_requirement_within_its_range():
    pinned = {}
    for line in _lines("requirements.lock"):
        name, _, version = line.partition("==")
        assert version, f"requirements.lock: '{line}' is not pinned with =="
        pinned[canonicalize_name(name)] = version
    for line in _lines("requirements.txt"):
        requirement = Requirement(line)
        version = pinned.get(canonicalize_name(requirement.name))
        assert version is not None, f"{requirement.name} is in requirements.txt but not in requirements.lock"
        assert requirement.specifier.contains(version, prereleases=True), f"{requirement.name}=={version} is outside {requirement.specifier}"
