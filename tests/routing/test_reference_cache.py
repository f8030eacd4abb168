"""The determination reads reference data from memory (routing.reference_data), and lets go of it when the
reference data changes; the plain path beside it gives the same answers."""
from decimal import Decimal

import pytest
from django.core.management import call_command

from licensing.routing import reference_data
from licensing.routing.determination import Facts, determine
from licensing.routing.reference_data import reference

pytestmark = pytest.mark.django_db

DU_TO_US = Facts(goods_kind="dual_use", movement="export", destination="US", control_entry="3A001")
LARGE_SYSTEM = Facts(
    goods_kind="military", movement="export", destination="IN", control_entry="ML6", complete_system=True,
    value_eur=Decimal("3000000"),
)


def test_a_warm_determination_runs_no_database_query(django_assert_num_queries):
    determine(DU_TO_US)
    determine(LARGE_SYSTEM)
    with django_assert_num_queries(0):
        for _ in range(3):
            determine(DU_TO_US)
            determine(LARGE_SYSTEM)


def test_the_in_memory_copy_is_kept_between_determinations():
    first = reference()
    determine(DU_TO_US)
    assert reference() is first


def test_clearing_the_reference_caches_drops_the_in_memory_copy():
    from licensing.reference.selectors import reference_cache_clear

    first = reference()
    reference_cache_clear()
    assert reference() is not first


def test_loading_the_reference_data_drops_the_in_memory_copy():
    first = reference()
    call_command("load_reference", verbosity=0)
    assert reference() is not first
    assert determine(DU_TO_US).general_licences == ("EU001",)


def test_a_membership_change_is_seen_at_once_and_not_kept_after_rollback():
    from django.db import transaction

    from licensing.reference.models import CountryGroupMembership

    try:
        with transaction.atomic():
            CountryGroupMembership.objects.create(group_id="sensitive", country_id="US")
            assert determine(DU_TO_US).handler == "ministry"
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    assert determine(DU_TO_US).handler == "licensing_office"


CASES = (
    DU_TO_US,
    LARGE_SYSTEM,
    Facts(goods_kind="military", movement="export", destination="RU", control_entry="ML1"),  # a full embargo: prohibited
    Facts(goods_kind="dual_use", movement="export", destination="IN", control_entry="5A002.a.2"),  # EU008
    Facts(goods_kind="military", movement="transit", destination="DE", control_entry="ML6"),  # NL008
    Facts(goods_kind="dual_use", movement="export", destination="CN", control_entry="3A001", parties=(("end_user", "IR"),)),
)


def test_the_plain_path_gives_the_same_data_and_determinations_as_the_in_memory_copy(settings):
    kept, plain = reference(), reference_data.load()
    assert plain is not kept and plain is not reference_data.load()  # the plain path keeps nothing
    for name in ("countries", "groups", "embargo", "general_licences", "annex_iv_items", "bans"):
        assert getattr(plain, name) == getattr(kept, name), name
    cached = [determine(f).as_dict() for f in CASES]
    settings.ROUTING_REFERENCE_IN_MEMORY = False
    assert reference() is not reference()  # every call reads afresh
    assert [determine(f).as_dict() for f in CASES] == cached
