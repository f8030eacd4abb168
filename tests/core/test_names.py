import pytest

from licensing.core.names import name_key, names_match


@pytest.mark.parametrize(
    "a,b",
    [
        ("Acme Defence Systems B.V.", "ACME DEFENCE SYSTEMS BV"),
        ("Acme Defence Systems Ltd", "Acme Defence Systems Limited"),
        ("Société Générale d'Armement", "Societe Generale d Armement"),
        ("Royal Saudi Land Forces", "Royal Saudi Land Froces"),  # a typo
        ("Defence Systems Acme GmbH", "Acme Defence Systems"),
    ],
)
def test_equivalent_names_match(a, b):
    assert names_match(a, b)


@pytest.mark.parametrize("a,b", [("Acme Defence Systems", "Apex Naval Systems"), ("Ministry of Defence", "Ministry of Interior")])
def test_different_names_do_not_match(a, b):
    assert not names_match(a, b)


def test_key_drops_legal_forms_and_punctuation():
    assert name_key("  Noordzee-Defence  B.V. ") == "noordzee defence"
