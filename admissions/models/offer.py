"""An offer carried by an offer decision, which the applicant accepts or
declines, its conditions (each with evidence the applicant uploads), and the
link to the curriculum Enrolment an accepted offer became. The student record
copies nothing from the application."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .application import Application
from .decision import Decision


class Offer(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for your answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        LAPSED = "lapsed", "Lapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="offer")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    conditional = models.BooleanField(default=False)
    respond_by = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-respond_by"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "lapsed"]) | Q(responded_at__isnull=False),
                name="offer_answer_has_time",
            ),
        ]

    def __str__(self):
        return f"Offer to {self.application_id}"

    def is_answerable(self, moment=None):
        return self.state == self.State.PENDING and (moment or timezone.now()) <= self.respond_by


class OfferCondition(models.Model):
    class Status(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        MET = "met", "Met"
        WAIVED = "waived", "Waived"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="conditions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OUTSTANDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["offer", "order", "id"]

    def __str__(self):
        return self.text

    @property
    def awaits_evidence(self):
        """Outstanding while the offer still stands (not declined, withdrawn or lapsed):
        the applicant may send evidence for it."""
        standing = (Offer.State.PENDING, Offer.State.ACCEPTED)
        return self.status == self.Status.OUTSTANDING and self.offer.state in standing


class ApplicationEnrolment(models.Model):
    application = models.OneToOneField(
        "admissions.Application", on_delete=models.PROTECT, related_name="enrolment_link"
    )
    enrolment = models.OneToOneField(
        "curriculum.Enrolment", on_delete=models.PROTECT, related_name="application_link"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.application_id} became {self.enrolment_id}"
