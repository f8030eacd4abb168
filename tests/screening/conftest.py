"""Screening fixtures: the sample lists, the high-priority HS codes, and submitting an application that is
then screened the way the after-commit hook does it."""
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.factories import application_submitted

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "screening"
EU_SAMPLE = FIXTURES / "eu_sample.xml"
EU_UPDATE = FIXTURES / "eu_sample_update.xml"
FTM_SAMPLE = FIXTURES / "opensanctions_sample.jsonl"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def import_list(django_capture_on_commit_callbacks):
    """import_list(path, format="eu-xml") -> the run, imported in process with its re-screen run eagerly."""
    from licensing.screening.importers import FORMATS
    from licensing.screening.rescreen import list_import_file

    def run(path: Path, list_format: str = "eu-xml"):
        with django_capture_on_commit_callbacks(execute=True):
            result = list_import_file(source=FORMATS[list_format], content=Path(path).read_bytes(), file_name=Path(path).name)
        result.refresh_from_db()
        return result

    return run


@pytest.fixture
def eu_list(import_list):
    return import_list(EU_SAMPLE)


@pytest.fixture
def high_priority_items(db):
    call_command("load_high_priority_items", verbosity=0)


def parties(consignee=("Forsvarsmateriell", "NO"), end_user=("Royal Norwegian Navy", "NO"), **others):
    """A party list for application_payload: consignee, end user and any others as role=(name, country)."""
    result = [
        {"role": "consignee", "name": consignee[0], "address": "Street 1", "country": consignee[1], "party_type": "company"},
        {"role": "end_user", "name": end_user[0], "address": "Street 2", "country": end_user[1], "party_type": "company"},
    ]
    for role, (name, country) in others.items():
        result.append({"role": role, "name": name, "address": "Street 3", "country": country, "party_type": "company"})
    return result


@pytest.fixture
def submit(db):
    """submit(exporter, **payload overrides) -> the application, submitted, routed and screened
    (tests.factories.application_submitted with screen=True: screening queued after commit, as application_submit
    does)."""
    return lambda user, **overrides: application_submitted(user, screen=True, **overrides)
