"""Keep the reference caches (selectors.py) true to the database when rows change outside the loader (the admin)."""
from django.db.models.signals import m2m_changed, post_delete, post_save

from . import models
from .selectors import reference_changed

# Every model a cached value is built from: groups and memberships, countries, control-list entries, and the
# general licences and sanctions bans the routing rules read, the grounds (with their frameworks and sub-points)
# letters, forms and pages cite, and the standard texts the forms offer.
CACHED_MODELS = (models.CountryGroup, models.CountryGroupMembership, models.Country, models.ControlEntry, models.GeneralLicence,
                 models.SanctionsBan, models.AssessmentFramework, models.Criterion, models.CriterionSubPoint, models.StandardText)
M2M_THROUGHS = (
    models.CountryGroup.members.through,
    models.GeneralLicence.destinations.through,
    models.GeneralLicence.excluded_destinations.through,
    models.GeneralLicence.destination_groups.through,
    models.SanctionsBan.destinations.through,
)


def reference_row_changed(sender, using=None, **kwargs):
    reference_changed(using=using or "default")


def group_members_changed(sender, action, using=None, **kwargs):
    # group.members.add()/remove()/clear() write through-rows in bulk, without post_save.
    if action.startswith("post_"):
        reference_changed(using=using or "default")


for _model in CACHED_MODELS:
    post_save.connect(reference_row_changed, sender=_model, dispatch_uid=f"reference_cache_save_{_model.__name__}")
    post_delete.connect(reference_row_changed, sender=_model, dispatch_uid=f"reference_cache_delete_{_model.__name__}")
for _through in M2M_THROUGHS:
    m2m_changed.connect(group_members_changed, sender=_through, dispatch_uid=f"reference_cache_m2m_{_through.__name__}")
