"""Referees named on an application, who answer through a signed link."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .application import Application


class Referee(models.Model):
    """A referee named on an application. They answer through a signed link,
    without an account; `token_nonce` makes the link single-use."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="referees")
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(2)])
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=200)
    email = models.EmailField()
    token_nonce = models.CharField(max_length=32, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    reference_text = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "order"]
        constraints = [
            models.UniqueConstraint(fields=["application", "order"], name="referee_order_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.relationship})"
