"""
The ministry's assessment (toetsing) against the frameworks that apply to the case (the Common Position's eight
criteria, Article 15 of the Dual-Use Regulation, the anti-torture Regulation: licensing.reference.frameworks), its advice with four-eyes countersignature, and the
consultations of member states whose denials an application resembles, and the requests for advice to other
bodies (the Ministry of Defence, the Ministry of Economic Affairs, the intelligence services). The denial register itself is
licensing.denials's; the decision is licensing.licences's.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from licensing.accounts.models import ADVICE_BODY_ROLES
from licensing.audit.transitions import StatusGuarded, StatusQuerySet


class Finding(models.TextChoices):
    NO_CONCERN = "no_concern", _("No concern")
    CONCERN = "concern", _("Concern")
    NEGATIVE = "negative", _("Negative")


class Advice(models.TextChoices):
    APPROVE = "approve", _("Approve")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions")
    DENY = "deny", _("Deny")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    AWAITING_COUNTERSIGNATURE = "awaiting_countersignature", _("Awaiting a second advisor")
    FINAL = "final", _("Final")
    RETURNED = "returned", _("Returned by the second advisor")


class Assessment(StatusGuarded, models.Model):
    """One advisor's assessment of one application; a returned one is kept and a new one written. Its status changes
    only through its machine (assessment/transitions.py)."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="assessments")
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=30, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    # The frameworks (reference.Framework values) the case is assessed against, fixed when the assessment starts:
    # its findings answer each of them, and its advice cites them.
    frameworks = models.JSONField(default=list)
    advice = models.CharField(max_length=30, choices=Advice.choices, blank=True)
    conditions = models.TextField(blank=True, help_text=_("Conditions of an approval, e.g. a no re-export clause."))
    weighing = models.TextField(blank=True, help_text=_("How concerns on the criteria to be weighed were weighed."))
    override_reason = models.TextField(blank=True, help_text=_("Why the advice is not negative despite a negative finding on a criterion that leads to denial."))
    # Advice per goods line where it differs from `advice` (issue 18.2): {"<goods line id>": "deny"}; a line not
    # named follows `advice` (services.advice_by_line).
    line_advice = models.JSONField(default=dict, blank=True)
    countersigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    countersigned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # What the advisor typed in the one findings-and-advice form, kept as typed (valid or not) until the advice is
    # given: {"findings": {"<criterion>": {"finding", "reasoning", "sub_points"}}, "advice": {...}}. Never advice:
    # no event, no API field, cleared by the move that gives the advice (services.assessment_draft_save).
    draft = models.JSONField(default=dict, blank=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["application", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=["draft", "awaiting_countersignature", "final"]),
                name="one_live_assessment_per_application",
            ),
            models.CheckConstraint(
                condition=models.Q(countersigned_by__isnull=True) | ~models.Q(countersigned_by=models.F("advisor")),
                name="countersigner_is_another_advisor",
            ),
        ]


class CriterionFinding(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="findings")
    criterion = models.ForeignKey("reference.Criterion", on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(max_length=20, choices=Finding.choices)
    sub_points = models.JSONField(default=list, blank=True, help_text=_("Keys of the sub-points that apply, e.g. ['a', 'c']."))
    reasoning = models.TextField()

    class Meta:
        ordering = ["assessment", "criterion"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="one_finding_per_criterion")]


class ConsultationStatus(models.TextChoices):
    REQUIRED = "required", _("Consultation required")
    STARTED = "started", _("Consultation started")
    ANSWERED = "answered", _("Answered")
    TIMED_OUT = "timed_out", _("No answer in time")


class Consultation(StatusGuarded, models.Model):
    """An application essentially identical to a denial: the denying state must be consulted before approval. Its
    status changes only through its machine (assessment/transitions.py)."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="consultations")
    denial = models.ForeignKey("denials.DenialRegisterEntry", on_delete=models.PROTECT, related_name="consultations")
    match_reason = models.TextField()
    status = models.CharField(max_length=20, choices=ConsultationStatus.choices, default=ConsultationStatus.REQUIRED)
    started_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["application", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "denial"], name="uniq_consultation")]

    @property
    def is_settled(self) -> bool:
        return self.status in (ConsultationStatus.ANSWERED, ConsultationStatus.TIMED_OUT)


class AdviceRequestStatus(models.TextChoices):
    OPEN = "open", _("Awaiting the answer")
    ANSWERED = "answered", _("Answered")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AdviceRequest(StatusGuarded, models.Model):
    """The office's or the ministry's request to another body for advice on a case; the body's role is its
    `body`. While one is open the case cannot be decided (licences.decisions.decision_blockers). Its status changes
    only through its machine (assessment/transitions.py)."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="advice_requests")
    body = models.CharField(max_length=30, choices=[(role.value, role.label) for role in ADVICE_BODY_ROLES])  # the role of the body asked
    question = models.TextField()
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=AdviceRequestStatus.choices, default=AdviceRequestStatus.OPEN)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    objects = StatusQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["body", "status", "due_on"], name="advice_request_queue")]

    def __str__(self):
        return f"{self.body} on {self.application_id}"

    @property
    def is_open(self) -> bool:
        return self.status == AdviceRequestStatus.OPEN
