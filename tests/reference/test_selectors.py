"""The read helpers and their cache: fast, and never stale after load_reference or an admin edit."""
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

from licensing.reference.models import Country, CountryGroup, CountryGroupMembership, GroupCode
from licensing.reference.selectors import (
    _key,
    country_exists,
    country_regions,
    group_members,
    reference_cache_clear,
    region_of,
)


def cached_groups():
    return cache.get(_key("groups"))


@pytest.mark.django_db
def test_helpers():
    assert "NL" in group_members(GroupCode.EU)
    assert "NL" in group_members("eu")
    assert group_members("no_such_group") == frozenset()
    assert isinstance(group_members("nato"), frozenset)
    assert country_exists("XK") and country_exists(" nl ")
    assert not country_exists("XX") and not country_exists(None)
    assert region_of("MA") == "north_africa"
    assert region_of("EG") == "middle_east"
    assert region_of("XX") is None
    regions = country_regions()
    assert regions["MA"] == "north_africa" and "XX" not in regions
    assert all(regions[code] == region_of(code) for code in regions)


@pytest.mark.django_db
def test_reads_come_from_the_cache(django_assert_num_queries):
    reference_cache_clear()
    group_members("eu")
    region_of("NL")
    with django_assert_num_queries(0):
        for _ in range(100):
            group_members("eu")
            group_members("nato")
            country_exists("US")
            region_of("US")


@pytest.mark.django_db
def test_admin_style_membership_save_and_delete_invalidate_the_cache():
    reference_cache_clear()
    assert "XK" not in group_members(GroupCode.SENSITIVE)
    assert cached_groups() is not None

    # What the admin's membership inline does: save a CountryGroupMembership row.
    membership = CountryGroupMembership(group_id=GroupCode.SENSITIVE, country_id="XK", note="admin")
    membership.save()
    assert cached_groups() is None
    assert group_members(GroupCode.SENSITIVE) == {"XK"}

    membership.delete()
    assert cached_groups() is None
    assert group_members(GroupCode.SENSITIVE) == frozenset()


@pytest.mark.django_db
def test_bulk_member_changes_and_country_edits_invalidate_the_cache():
    group = CountryGroup.objects.get(code=GroupCode.SENSITIVE)
    reference_cache_clear()
    group_members(GroupCode.SENSITIVE)
    group.members.add("RU", through_defaults={"note": "admin"})
    assert group_members(GroupCode.SENSITIVE) == {"RU"}
    group.members.remove("RU")
    assert group_members(GroupCode.SENSITIVE) == frozenset()



@pytest.mark.django_db
def test_a_country_edit_invalidates_the_cache():
    reference_cache_clear()
    assert region_of("XK") == "other_europe"
    Country.objects.filter(code="XK").update(report_region="global")  # a queryset update sends no signal
    assert region_of("XK") == "other_europe"  # served from the cache
    country = Country.objects.get(code="XK")
    country.save()  # an admin save sends post_save
    assert cache.get(_key("countries")) is None
    assert region_of("XK") == "global"


@pytest.mark.django_db
def test_load_reference_invalidates_the_cache():
    reference_cache_clear()
    assert "NL" in group_members(GroupCode.EU)
    CountryGroupMembership.objects.filter(group=GroupCode.EU, country="NL").delete()
    reference_cache_clear()
    assert "NL" not in group_members(GroupCode.EU)
    call_command("load_reference", verbosity=0)
    assert "NL" in group_members(GroupCode.EU)


@pytest.mark.django_db(transaction=True)
def test_values_read_inside_a_rolled_back_transaction_do_not_stay_cached(reference_db):
    reference_cache_clear()
    try:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                CountryGroupMembership.objects.create(group_id=GroupCode.SENSITIVE, country_id="KP")
                assert group_members(GroupCode.SENSITIVE) == {"KP"}
                raise RuntimeError("rolled back")
        assert group_members(GroupCode.SENSITIVE) == frozenset()

        # Committed: the change shows, and the cache is refreshed after the commit.
        with transaction.atomic():
            CountryGroupMembership.objects.create(group_id=GroupCode.SENSITIVE, country_id="KP")
        assert group_members(GroupCode.SENSITIVE) == {"KP"}
        assert cached_groups()[GroupCode.SENSITIVE] == {"KP"}
    finally:
        reference_cache_clear()  # the flush after this test empties the tables


@pytest.mark.django_db
def test_an_edit_of_a_ground_or_its_sub_point_forgets_the_grounds(django_assert_num_queries):
    """grounds_of and grounds_index are kept in the shared cache; an admin edit of a ground or a sub-point forgets
    them ("grounds_index" was once kept without being forgotten: cached now refuses a name it would not forget)."""
    from licensing.reference.frameworks import grounds_index, grounds_of
    from licensing.reference.models import Criterion, CriterionSubPoint
    from licensing.reference.selectors import cached

    reference_cache_clear()
    grounds_of(["common_position"])
    grounds_index()
    with django_assert_num_queries(0):
        first = grounds_of(["common_position"])
        assert [g.number for g in first] == sorted(g.number for g in first) and first[0].sub_points.all()
        assert grounds_index()[first[0].number].framework_id == "common_position"

    criterion = Criterion.objects.get(number=first[0].number)
    criterion.label_en = "Criterion one, as amended"
    criterion.save()
    assert cache.get(_key("grounds")) is None and cache.get(_key("grounds_index")) is None
    assert grounds_of(["common_position"])[0].label_en == "Criterion one, as amended"
    assert grounds_index()[criterion.number].label_en == "Criterion one, as amended"

    grounds_of(["common_position"])
    point = CriterionSubPoint.objects.filter(criterion=criterion).first()
    point.text_en = "Sub-point, as amended"
    point.save()
    assert cache.get(_key("grounds")) is None
    assert "Sub-point, as amended" in [p.text_en for p in grounds_of(["common_position"])[0].sub_points.all()]

    with pytest.raises(ValueError, match="CACHE_NAMES"):
        cached("not_forgotten", lambda: 1)


@pytest.mark.django_db
def test_the_standard_texts_offered_are_cached_and_forgotten_on_an_edit(django_assert_num_queries):
    from licensing.reference.models import StandardText
    from licensing.reference.standard_texts import standard_texts_offered_by_kind

    reference_cache_clear()
    offered = standard_texts_offered_by_kind()
    with django_assert_num_queries(0):
        assert standard_texts_offered_by_kind().keys() == offered.keys()
    kind, texts = next(iter(offered.items()))
    text = StandardText.objects.get(pk=texts[0].pk)
    text.active = False
    text.save()
    assert cache.get(_key("standard_texts")) is None
    assert text.pk not in [t.pk for t in standard_texts_offered_by_kind().get(kind, [])]
