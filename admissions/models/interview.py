"""Times an applicant invited to interview can book."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .intake import moment_in_words


class InterviewSlot(models.Model):
    intake = models.ForeignKey("admissions.Intake", on_delete=models.CASCADE, related_name="interview_slots")
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30, validators=[MinValueValidator(10)])
    place = models.CharField(max_length=300, help_text="A room, or “Video call: the link comes by email”.")
    application = models.OneToOneField(
        "admissions.Application", on_delete=models.SET_NULL, null=True, blank=True, related_name="interview_slot"
    )
    booked_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["intake", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "starts_at", "place"], name="interview_slot_unique"),
            models.CheckConstraint(
                condition=Q(application__isnull=True) | Q(booked_at__isnull=False), name="interview_booking_has_time"
            ),
        ]

    def __str__(self):
        return f"Interview slot {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def starts_words(self):
        """'Thursday 10 December 2026, 10:00am UK time', in the programme's time zone."""

        return moment_in_words(self.starts_at, self.intake.programme.timezone)
