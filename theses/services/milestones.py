"""Milestones, hand-ins and feedback."""


from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.access import acting_user, check
from core.pdf import refuse_active_content, without_metadata
from notifications.services import queue_email

from ..models import (
    Milestone,
    Submission,
    ThesisRound,
)
from ..permissions import can_give_feedback, can_manage_theses
from ._common import _link, _require
from .allocation_runs import published_assignment

# --- Milestones and submissions -------------------------------------------------------

PDF_MAX_BYTES = 20 * 1024 * 1024


NOT_A_PDF = "The report must be a PDF file. Save or export it as PDF and upload it again."


def check_pdf(upload):
    """A report must really be a PDF, readable, without active content (core.pdf).

    Returns the copy to store: the same document without its metadata.
    """
    if upload.size > PDF_MAX_BYTES:
        raise ValidationError("The report must be smaller than 20 MB.")
    upload.seek(0)
    head = upload.read(5)
    upload.seek(max(0, upload.size - 1024))
    tail = upload.read()
    upload.seek(0)
    if head != b"%PDF-" or b"%%EOF" not in tail:
        raise ValidationError(NOT_A_PDF)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted or len(reader.pages) < 1:
            raise ValidationError(NOT_A_PDF)
        refuse_active_content(reader)
        stored = without_metadata(reader)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise ValidationError(NOT_A_PDF) from None
    return ContentFile(stored, name=upload.name or "report.pdf")


def milestone_set(*, round_: ThesisRound, kind: str, due_at, description="", by) -> Milestone:
    """Staff set a milestone's due moment. Side effects: the Milestone row
    (reminders follow from it: 7 days and 1 day before)."""
    check(by, can_manage_theses)
    with transaction.atomic():
        milestone, _ = Milestone.objects.update_or_create(
            round=round_, kind=kind, defaults={"due_at": due_at, "description": description})
    return milestone


def submission_submit(*, milestone: Milestone, student, repository_url="", demo_url="", report=None,
                      by, now=None) -> Submission:
    """A student hands in (or replaces) their work for a milestone.

    Refuses a report that is not a PDF and a student with no published
    project. Marks it late when handed in after the due moment. Side effects:
    the Submission row and the stored report.
    """
    _require(by.pk == student.pk)
    assignment = published_assignment(student=student, cohort=milestone.round.cohort)
    if assignment is None:
        raise ValidationError("You can hand in work once you have a project.")
    if report:
        report = check_pdf(report)
    if not (repository_url or demo_url or report):
        raise ValidationError("Give a repository link, a report or a demo link.")
    now = now or timezone.now()
    with transaction.atomic():
        submission, _created = Submission.objects.select_for_update().get_or_create(
            milestone=milestone, student=student,
            defaults={"proposal": assignment.proposal, "submitted_at": now},
        )
        submission.repository_url = repository_url or submission.repository_url
        submission.demo_url = demo_url or submission.demo_url
        if report:
            submission.report.save(f"{milestone.kind}-{student.pk}.pdf", report, save=False)
        submission.submitted_at = now
        submission.late = now > milestone.due_at
        submission.save()
    return submission


def submission_feedback(*, submission: Submission, feedback: str, by) -> Submission:
    """A supervisor (staff) writes feedback the student sees. Side effects: the
    feedback fields; a mail to the student."""
    check(by, can_give_feedback, submission)
    with transaction.atomic():
        submission.feedback = feedback
        submission.feedback_by = acting_user(by)
        submission.feedback_at = timezone.now()
        submission.save(update_fields=["feedback", "feedback_by", "feedback_at"])
        queue_email(
            purpose="theses.feedback_given", to=[submission.student],
            context={"name": submission.student.get_short_name(),
                     "milestone": submission.milestone.get_kind_display(),
                     "link": _link("theses:submission-detail", submission.pk)},
            idempotency_key=f"theses:submission:{submission.pk}:feedback:{submission.feedback_at.isoformat()}",
        )
    return submission
