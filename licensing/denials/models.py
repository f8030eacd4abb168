"""
The denial register: our own denials and those other EU member states notified (Common Position 2008/944/CFSP
Art. 4, Reg. 2021/821 Art. 16(5)). Below screening (which screens parties against it) and assessment (which
consults the denying state on an essentially identical application); licences writes our own entries when it
records a denial.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DenialRegisterEntry(models.Model):
    """
    A denial in the EU exchange (COARM / dual-use) format: our own, or notified by another member state.
    Other states' entries are imported with `manage.py import_denials` and kept apart by `own`.
    """

    reference = models.CharField(max_length=60)
    own = models.BooleanField(default=False, db_index=True)
    notifying_state = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    notified_on = models.DateField(db_index=True)
    destination = models.ForeignKey("reference.Country", on_delete=models.PROTECT, related_name="+")
    goods_description = models.TextField()
    quantity = models.CharField(max_length=100, blank=True)
    control_entry = models.CharField(max_length=60)
    consignee = models.CharField(max_length=300, blank=True)
    end_user = models.CharField(max_length=300, blank=True)
    # The grounds cited (reference.Criterion numbers: 1-8 the Common Position's criteria) and the frameworks they
    # belong to (reference.Framework values): the legal basis of the denial, as the EU exchange carries it.
    criteria = models.JSONField(default=list)
    frameworks = models.JSONField(default=list)
    decision = models.ForeignKey("licences.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="denial_entries")
    revoked_on = models.DateField(null=True, blank=True)
    imported_from = models.CharField(max_length=64, blank=True, help_text=_("SHA-256 of the imported file."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table and its index keep the names they had under licensing.assessment (the model moved, the data
        # did not: migrations denials.0001 and assessment.0003 change the state only).
        db_table = "assessment_denialregisterentry"
        ordering = ["-notified_on", "reference"]
        verbose_name_plural = "denial register entries"
        constraints = [models.UniqueConstraint(fields=["notifying_state", "reference"], name="uniq_denial_per_state")]
        indexes = [models.Index(fields=["destination", "notified_on"], name="assessment__destina_baa4b3_idx")]

    def __str__(self):
        return f"{self.notifying_state_id} {self.reference}"
