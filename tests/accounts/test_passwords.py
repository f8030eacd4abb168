"""Passwords: at least 12 characters, not common, not only digits, not like the username or e-mail address."""
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from licensing.demo.data import DEMO_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password, reason",
    [
        ("Kort-1!", "password_too_short"),
        ("123456789012345", "password_entirely_numeric"),
        ("password12345", "password_too_common"),
        ("officer.jansen1", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, reason):
    user = UserFactory.build(username="officer.jansen1", email="officer.jansen1@example.invalid")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert reason in [e.code for e in refused.value.error_list]


def test_a_long_uncommon_password_is_accepted():
    user = UserFactory.build(username="officer.jansen1")
    validate_password("Vuurtoren-Zeeland-2026", user)
    validate_password(DEMO_PASSWORD, user)


def test_the_change_password_form_applies_the_rules(officer):
    from django.contrib.auth.forms import SetPasswordForm

    form = SetPasswordForm(officer, {"new_password1": "kort", "new_password2": "kort"})
    assert not form.is_valid() and "new_password2" in form.errors
