"""The outcome for an application."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .application import Application


class Decision(models.Model):
    """The outcome for an application. Decisions are staged and released in bulk;
    only a released decision is shown to the applicant. A later decision
    (a waitlisted applicant offered a place) supersedes the earlier one."""

    class Outcome(models.TextChoices):
        OFFER = "offer", "Offer"
        WAITLIST = "waitlist", "Waiting list"
        REJECT = "reject", "Unsuccessful"
        INTERVIEW = "interview", "Invited to interview"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    waitlist_rank = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True, help_text="A note to the applicant, shown with the decision.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # The mail that tells the applicant, once released (its outbox idempotency key
    # is `services.decisions.decision_mail_key`; nothing reads the key back).
    mail = models.OneToOneField(
        "notifications.OutboundEmail", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="admissions_decision",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(superseded_at__isnull=True), name="one_current_decision"
            ),
        ]

    # What an applicant invited to interview reads when the team wrote no note of its own.
    DEFAULT_INTERVIEW_NOTE = "Please book a time for your interview."

    def __str__(self):
        return f"{self.get_outcome_display()} for {self.application_id}"

    @property
    def note_for_applicant(self):
        """The team's note, or the default line of an interview invitation."""
        if self.message:
            return self.message
        return self.DEFAULT_INTERVIEW_NOTE if self.outcome == self.Outcome.INTERVIEW else ""
