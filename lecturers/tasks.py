"""Scheduled jobs of the lecturers app (see settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import invitations_mark_delivered_due


@shared_task(name="lecturers.mark_delivered")
def mark_delivered():
    """Lectures whose session has ended become "delivered"; the thank-you follows a day later."""
    return invitations_mark_delivered_due()
