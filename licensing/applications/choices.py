"""The application vocabulary, shared by applications, routing, assessment and reporting."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual licence")
    GLOBAL = "global", _("Global licence")
    GENERAL_REGISTRATION = "general_registration", _("General licence registration")
    SONDAGE = "sondage", _("Sondage (trial application)")
    CLASSIFICATION = "classification", _("Classification request (indelingsverzoek)")


class Movement(models.TextChoices):
    EXPORT = "export", _("Export (outside the EU)")
    TRANSFER = "transfer", _("Transfer (to another EU member state)")
    TRANSIT = "transit", _("Transit (through the Netherlands)")
    BROKERING = "brokering", _("Brokering (goods never touch the Netherlands)")


class GoodsKind(models.TextChoices):
    MILITARY = "military", _("Military goods")
    DUAL_USE = "dual_use", _("Dual-use goods")
    ANTI_TORTURE = "anti_torture", _("Anti-torture goods")
    UNLISTED = "unlisted", _("Unlisted goods (catch-all)")


class EndUse(models.TextChoices):
    CIVIL = "civil", _("Civil")
    MILITARY = "military", _("Military")
    WMD = "wmd", _("Weapons of mass destruction")
    MUSEUM = "museum", _("Display in a museum")
    REPRESSION = "repression", _("Internal repression")


class RecipientType(models.TextChoices):
    ARMED_FORCES = "armed_forces", _("Armed forces")
    GOVERNMENT = "government", _("Government")
    CERTIFIED_COMPANY = "certified_company", _("Certified company (Directive 2009/43/EC)")
    COMPANY = "company", _("Company")
    INDIVIDUAL = "individual", _("Individual")


class Purpose(models.TextChoices):
    SALE = "sale", _("Sale")
    DEMONSTRATION = "demonstration", _("Demonstration or evaluation")
    REPAIR = "repair", _("Repair, maintenance or overhaul")
    EXHIBITION = "exhibition", _("Exhibition or fair")


class Handler(models.TextChoices):
    LICENSING_OFFICE = "licensing_office", _("Licensing office (CDIU)")
    MINISTRY = "ministry", _("Ministry of Foreign Affairs (BZ)")
