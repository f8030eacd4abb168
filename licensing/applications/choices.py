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


class CatchAllGround(models.TextChoices):
    """Why the licensing office or the ministry imposes a licence requirement on goods that need none (a catch-all
    besluit, seed 002 "Catch-all goederen"; Articles 4 and 5 of Regulation (EU) 2021/821)."""

    WMD = "wmd", _("Weapons of mass destruction or their means of delivery")
    MILITARY_EMBARGO = "military_embargo", _("A military end use in a country under an arms embargo")
    REPRESSION = "repression", _("Internal repression or serious violations of human rights or international humanitarian law")


# The grounds the seed names for each movement: three for export ("massavernietigingswapens ... militair eindgebruik in
# een land waar een wapenembargo op rust ... binnenlandse repressie ... mensenrechten"), two for transit ("ook hiervoor
# ... massavernietigingswapens of voor militair eindgebruik in een land waar een wapenembargo op rust"). Brokering of
# dual-use items needs a licence only after a notice about weapons of mass destruction (Art. 6(1)). A transfer within
# the EU is no export: no catch-all reaches it.
CATCH_ALL_GROUNDS: dict[str, tuple[str, ...]] = {
    Movement.EXPORT: (CatchAllGround.WMD, CatchAllGround.MILITARY_EMBARGO, CatchAllGround.REPRESSION),
    Movement.TRANSIT: (CatchAllGround.WMD, CatchAllGround.MILITARY_EMBARGO),
    Movement.BROKERING: (CatchAllGround.WMD,),
}
