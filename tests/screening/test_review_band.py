"""Issue 22: the review band below the threshold. A near-miss is recorded as a possible match: shown to the officer
on the case page and in the API with the same disposition flow, never blocking the decision; a match above the
threshold blocks as before."""
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from licensing.screening.models import Disposition, FlagKind, HitKind, ScreeningHit
from licensing.screening.selectors import decision_blocker, hit_kind, review_threshold, screening_flags, threshold

from .conftest import parties

pytestmark = pytest.mark.django_db

# "Polar Stats Components" scores about 0.76 against the listed "Polar Star Components Limited" (HK): two letters
# changed in a short distinctive word are no typo the scorer forgives (see core.names; "Polar Stat", one letter, is
# one), but close enough to look at.
NEAR_MISS = {"destinations": ["NO"], "parties": parties(consignee=("Polar Stats Components", "HK"))}
LISTED = {"destinations": ["NO"], "parties": parties(consignee=("Polar Star Components Ltd", "HK"))}


def screening(api_as, officer, application):
    return api_as(officer).get(f"/api/v1/office/applications/{application.pk}/screening/").json()


def test_a_near_miss_is_a_possible_match_that_blocks_nothing(eu_list, exporter_a, officer, submit, api_as):
    application = submit(exporter_a, **NEAR_MISS)
    [hit] = ScreeningHit.objects.filter(application=application)
    assert review_threshold() <= hit.score < threshold()
    assert (hit.kind, hit.disposition, hit.entry_reference, hit.blocks_approval) == (HitKind.POSSIBLE, Disposition.OPEN, "900106", False)
    assert decision_blocker(application, approving=True) is None
    assert screening_flags([application.pk]) == {application.pk: []}  # no "awaits a disposition" flag in the queue
    body = screening(api_as, officer, application)
    assert [(h["kind"], h["disposition"]) for h in body["hits"]] == [("possible", "open")] and body["blocker"] is None


def test_a_match_above_the_threshold_is_a_match_and_blocks(eu_list, exporter_a, officer, submit, api_as):
    application = submit(exporter_a, **LISTED)
    [hit] = ScreeningHit.objects.filter(application=application)
    assert (hit.kind, hit.blocks_approval) == (HitKind.MATCH, True)
    assert screening(api_as, officer, application)["hits"][0]["kind"] == "match"
    assert "true match or a false positive" in decision_blocker(application, approving=True)


def test_a_one_letter_slip_in_a_short_word_is_a_match_from_the_database_and_from_memory(eu_list):
    # The listed name's spelling as written comes from the stored EntryName.name on both paths (names-v4).
    from licensing.screening import name_index
    from licensing.screening.selectors import name_matches

    for index in (None, name_index.NameIndex()):
        [match] = [m for m in name_matches("Polar Stat Components", "HK", index=index) if m.reference == "900106"]
        assert threshold() <= match.score < 1.0


def test_a_possible_match_is_disposed_of_like_a_match_and_a_true_one_escalates(eu_list, exporter_a, officer, submit, api_as):
    application = submit(exporter_a, **NEAR_MISS)
    [hit] = ScreeningHit.objects.filter(application=application)
    url = f"/api/v1/office/applications/{application.pk}/screening/{hit.pk}/disposition/"
    assert api_as(officer).post(url, {"disposition": "true_match", "reason": "Same address in Kowloon."}, format="json").status_code == 200
    hit.refresh_from_db()
    assert (hit.disposition, hit.escalation_pending, hit.blocks_approval) == (Disposition.TRUE_MATCH, True, True)
    assert "escalated" in decision_blocker(application, approving=True)


def test_the_band_and_its_floor_follow_the_settings(settings, eu_list, exporter_a, submit):
    settings.SCREENING_REVIEW_THRESHOLD = 0.8
    assert review_threshold() == 0.8 and hit_kind(0.79) == HitKind.POSSIBLE and hit_kind(threshold()) == HitKind.MATCH
    application = submit(exporter_a, **NEAR_MISS)  # 0.76: below the raised floor, not recorded at all
    assert not ScreeningHit.objects.filter(application=application).exists()
    settings.SCREENING_REVIEW_THRESHOLD = 0.99  # never above the threshold itself
    assert review_threshold() == threshold()


def test_a_hit_moves_between_the_band_and_a_match_when_the_threshold_moves(settings, eu_list, exporter_a, submit):
    from licensing.screening.cases import application_screen

    application = submit(exporter_a, **NEAR_MISS)
    settings.SCREENING_THRESHOLD = 0.7
    application_screen(application_id=application.pk)
    [hit] = ScreeningHit.objects.filter(application=application)
    assert hit.kind == HitKind.MATCH and screening_flags([application.pk]) == {application.pk: [FlagKind.SCREENING_HIT]}


def test_the_case_page_labels_a_possible_match_and_offers_the_disposition_form(eu_list, exporter_a, officer, submit):
    application = submit(exporter_a, **NEAR_MISS)
    request = RequestFactory().get("/")
    request.user = officer
    for language, label, note in (("en", "Possible match", "does not block the decision"), ("nl", "Mogelijke treffer", "beslissing niet tegen")):
        with translation.override(language):
            html = Template("{% load screening %}{% screening_panel application %}").render(Context({"application": application, "request": request, "user": officer}))
        assert label in html and note in html and 'name="disposition"' in html
        assert "no decision until then" not in html and "tot dan geen besluit" not in html


def test_the_case_page_s_one_read_counts_the_blocking_hits_as_the_database_does(exporter_a, officer):
    """The case page reads the hits once for its panel and its blockers (CaseScreening.blocking_counts); the decision's
    own check counts them in the database (decision_blocking_counts): the two must agree, hit by hit."""
    import itertools

    from django.utils import timezone

    from licensing.screening.models import Disposition, HitKind, ListKind, ListSource, ScreeningHit
    from licensing.screening.selectors import application_screening, decision_blocking_counts
    from tests.factories import application_submitted

    application = application_submitted(exporter_a)
    party = application.parties.first()
    states = itertools.product(Disposition.values, HitKind.values, (ListSource.EU, ListSource.DENIALS), (False, True))
    for n, (disposition, kind, source, decided) in enumerate(states):
        ScreeningHit.objects.create(
            application=application, party=party, party_key=f"k{n}", source=source, list_kind=ListKind.SANCTIONS if source == ListSource.EU else ListKind.DENIALS,
            entry_reference=f"E{n}", entry_name="X", entry_hash="h", matched_name="X", score=0.9, kind=kind, algorithm="t", disposition=disposition,
            escalation_decided_at=timezone.now() if decided else None,
        )
    counts = decision_blocking_counts(application)
    assert counts and application_screening(application.pk).blocking_counts == counts
