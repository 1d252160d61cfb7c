"""Interview slots staff offer and applicants invited to interview book."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ..models import (
    Decision,
    InterviewSlot,
)
from ..selectors import interview_decision
from ._common import AdmissionsError, _audited, _require_admin


def slot_create(*, intake, starts_at, duration_minutes, place, by):
    _require_admin(by)
    slot = InterviewSlot(intake=intake, starts_at=starts_at, duration_minutes=duration_minutes, place=place)
    _audited(slot, by).save()
    return slot


def slot_delete(*, slot, by):
    _require_admin(by)
    if slot.application_id:
        raise AdmissionsError("Someone has booked this slot; it cannot be removed.")
    _audited(slot, by).delete()


INTERVIEW_MESSAGE = Decision.DEFAULT_INTERVIEW_NOTE


def slot_book(*, application, slot, by, now=None):
    """An applicant invited to interview books a free slot of their intake (or
    moves to another). Side effects: the slot is theirs; a previous one is freed."""
    now = now or timezone.now()
    if application.applicant_id != by.pk or interview_decision(application) is None:
        raise PermissionDenied
    with transaction.atomic():
        locked = InterviewSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.intake_id != application.intake_id:
            raise PermissionDenied
        if locked.application_id == application.pk:
            return locked
        if locked.application_id is not None or locked.starts_at <= now:
            raise AdmissionsError("That time has just been taken. Please choose another.")
        for previous in InterviewSlot.objects.select_for_update().filter(application=application):
            previous.application = None
            previous.booked_at = None
            _audited(previous, by).save()
        locked.application = application
        locked.booked_at = now
        _audited(locked, by).save()
    return locked


def interview_respond_by(now=None):
    return (now or timezone.now()) + timedelta(days=28)
