"""Reads for assessments. What an advisor sees beside one (earlier decisions and denials for the same parties) is
licensing.licences.selectors.prior_information: decisions are licences'."""
from licensing.applications.models import Application

from .models import Assessment


def current_assessment(application: Application) -> Assessment | None:
    return application.assessments.prefetch_related("findings__criterion").select_related("advisor", "countersigned_by").order_by("-id").first()
