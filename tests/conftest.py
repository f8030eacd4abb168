"""Shared fixtures: reference data loaded once per test database, and the personas every test talks about."""
import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference data once into the test database; tests roll back around it."""
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
