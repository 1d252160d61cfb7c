"""PDFs attached to an application, kept in private storage and served only by
permission-checked views, and the record of every time staff open one."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from ..storage import get_private_storage


class DocumentKind(models.TextChoices):
    CV = "cv", "CV"
    TRANSCRIPT = "transcript", "Transcript of your degree"
    PORTFOLIO = "portfolio", "Portfolio or writing sample"
    ANSWER = "answer", "File for a question"
    REFERENCE = "reference", "Reference"
    EVIDENCE = "evidence", "Evidence for an offer condition"


# Kinds an intake may ask every applicant for.
REQUIRABLE_DOCUMENTS = [DocumentKind.CV, DocumentKind.TRANSCRIPT, DocumentKind.PORTFOLIO]


def document_path(instance, filename):
    # The stored name reveals nothing: neither the person nor the original name.
    return f"admissions/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class ApplicationDocument(models.Model):
    """A PDF attached to an application. Stored in private storage (never under
    MEDIA_URL) and served only by `views.document_download`."""

    application = models.ForeignKey("admissions.Application", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path, storage=get_private_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referee = models.ForeignKey(
        "admissions.Referee", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    question = models.ForeignKey(
        "admissions.IntakeQuestion", on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    condition = models.ForeignKey(
        "OfferCondition", on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )

    class Meta:
        ordering = ["application", "kind", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="reference") | Q(referee__isnull=False),
                name="reference_document_has_referee",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("admissions:document-download", args=[self.pk])

    @property
    def download_name(self):
        stem = PurePath(self.original_name).stem or self.kind
        safe = "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in stem).strip() or self.kind
        return f"{safe[:80]}.pdf"


class DocumentAccess(models.Model):
    """Who opened which document of an application, and when. Written by every
    staff download; shown on the application's admin page."""

    application = models.ForeignKey(
        "admissions.Application", on_delete=models.CASCADE, related_name="document_accesses"
    )
    document = models.ForeignKey(
        "admissions.ApplicationDocument", on_delete=models.SET_NULL, null=True, related_name="accesses"
    )
    document_label = models.CharField(max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["application", "at"], name="adm_docaccess_app")]

    def __str__(self):
        return f"{self.user_id} opened {self.document_label}"
