"""A listed name disguised (issue 23.4): look-alike letters of other scripts, letters split by hyphens, spaces
removed, words appended, digits for letters, zero-width characters, initials. Screening catches each through the
API and in a submitted application's parties, with the same normaliser the denial check uses."""
import pytest

from licensing.screening.matching import ALGORITHM
from licensing.screening.models import ScreeningHit

from .conftest import parties

pytestmark = pytest.mark.django_db

DISGUISES = [
    "R\u043es\u043eb\u043er\u043en\u0435x\u0440\u043ert",  # Cyrillic о е р inside Latin
    "\u0420OSOBORONEXPORT",  # Cyrillic Р
    "Rosoboro\u03b7export",  # Greek η for n
    "R-o-s-o-b-o-r-o-n-e-x-p-o-r-t",
    "Rosobor onexport",
    "Rosoboronexport General Trading International",
    "Rosoboronexport Trading FZE",
    "Rosoboronexport Kazakhstan",
    "Рособоронэкспорт (Kazakhstan branch)",
    "R0s0b0r0nexp0rt",
    "Ros\u200boboron\u200dexport",
]


@pytest.mark.parametrize("written", DISGUISES)
def test_the_screening_api_sees_through_a_disguised_listed_name(eu_list, officer, api_as, written):
    response = api_as(officer).post("/api/v1/screening/", {"name": written, "country": None}, format="json")
    assert response.status_code == 200
    assert "900101" in [m["reference"] for m in response.json()["matches"]]


def test_a_listed_persons_initials_and_a_missing_patronymic_are_matched(eu_list, officer, api_as):
    for written in ("R. A. Kadyrov", "Ramzan Kadyrov", "KADYROV, Ramzan", "Ramzan Kadyro\u03bd"):
        response = api_as(officer).post("/api/v1/screening/", {"name": written, "country": None}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["matches"], written


@pytest.mark.parametrize("written", ["Rosoboronexport Kazakhstan", "Рособоронэкспорт (Kazakhstan branch)", "R0s0b0r0nexp0rt", "R\u043es\u043eb\u043er\u043en\u0435x\u0440\u043ert"])
def test_a_submitted_application_with_a_disguised_end_user_is_flagged(eu_list, exporter_a, submit, written):
    application = submit(exporter_a, destinations=["KZ"], parties=parties(consignee=("Forsvarsmateriell", "KZ"), end_user=(written, "KZ")))
    hit = ScreeningHit.objects.get(application=application, party__role="end_user")
    assert hit.entry_reference == "900101" and hit.algorithm == ALGORITHM


def test_other_names_near_a_listed_one_raise_no_hit(eu_list, officer, api_as):
    for written in ("Rosoboron", "Alfa Trade", "Polar Star Components Kazakhstan Bank Rossiya Holding"):
        response = api_as(officer).post("/api/v1/screening/", {"name": written, "country": None}, format="json")
        assert response.status_code == 200
        assert "900101" not in [m["reference"] for m in response.json()["matches"]], written
