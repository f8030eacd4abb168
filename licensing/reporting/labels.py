"""Names for codes in the reader's language (Dutch or English): regions, countries, collective rows, table kinds."""
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from licensing.reference.models import Country, ReportRegion

from .tables import EU, EU_NATO_PLUS, UNCLASSIFIED, VARIOUS, DualUseKind

COLLECTIVE_NAMES = {
    EU: _("European Union"),  # table 8: "EUROPESE UNIE"
    EU_NATO_PLUS: _("EU/NATO+"),  # "EU/NAVO+"
    VARIOUS: _("Various"),  # "DIVERSE"
}
DUAL_USE_KINDS = {
    DualUseKind.INDIVIDUAL: _("Individual"),
    DualUseKind.GLOBAL: _("Global"),
    DualUseKind.INTRA_EU: _("Intra-EU"),
    DualUseKind.CATCH_ALL: _("Catch-all"),
    "total": _("Total"),
}
PARLIAMENT_STATUSES = {
    "sent_on_time": _("Sent on time"),
    "sent_late": _("Sent late"),
    "overdue": _("Overdue"),
    "pending": _("Not yet due"),
    "not_recorded": _("Imported: sending not recorded"),
}
OTHER = {UNCLASSIFIED: _("Unclassified")}


def _dutch() -> bool:
    return (get_language() or "nl").startswith("nl")


class Names:
    """Country and region names, read once (two queries) for a page or a download."""

    def __init__(self):
        column = "name_nl" if _dutch() else "name_en"
        self.countries = dict(Country.objects.values_list("code", column))
        self.regions = dict(ReportRegion.objects.values_list("code", column))

    def country(self, code: str | None) -> str:
        if not code:
            return ""
        if code in COLLECTIVE_NAMES:
            return str(COLLECTIVE_NAMES[code])
        return self.countries.get(code, code)

    def countries_of(self, codes) -> str:
        return ", ".join(self.country(c) for c in codes)

    def region(self, code: str) -> str:
        return self.regions.get(code, code)

    @staticmethod
    def category(code: str) -> str:
        return str(OTHER.get(code, code))
