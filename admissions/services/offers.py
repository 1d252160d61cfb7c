"""Offers: the applicant's answer, the conditions staff mark met or waived, and
the enrolment that follows, in the same transaction, when nothing is outstanding."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from curriculum.services import student_enrol

from ..models import (
    Application,
    ApplicationEnrolment,
    Offer,
    OfferCondition,
)
from ._common import AdmissionsError, OfferClosed, _audited, _lock, _require_admin, _require_owner


def offer_respond(*, offer, accept: bool, by, now=None):
    """Accept or decline an offer before its deadline. Returns the offer.

    The offer is locked while it is answered. Side effects, in one transaction:
    the offer's state and responded_at (history records who); on accepting an
    offer with no condition outstanding, the applicant is enrolled
    (`enrol_if_ready`: a cohort place through curriculum, the student role, the
    application enrolled). Answering the same way twice changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Offer.objects.select_for_update().select_related("application", "decision").get(pk=offer.pk)
        _require_owner(by, locked.application)
        if locked.decision.released_at is None or locked.decision.superseded_at is not None:
            raise PermissionDenied
        if locked.state in (Offer.State.ACCEPTED, Offer.State.DECLINED):
            if (locked.state == Offer.State.ACCEPTED) == accept:
                return locked  # the same answer twice: nothing changes
            raise OfferClosed("You have already answered this offer. Write to us if you want to change your answer.")
        if not locked.is_answerable(now):
            raise OfferClosed("The deadline for answering this offer has passed.")
        locked.state = Offer.State.ACCEPTED if accept else Offer.State.DECLINED
        locked.responded_at = now
        _audited(locked, by).save()
        if accept:
            enrol_if_ready(offer=locked, by=by)
    return locked


def condition_decide(*, condition, status, by, now=None):
    """Mark an offer condition met, waived or outstanding again. Returns the condition.

    The offer, then the condition, is locked while it is decided. Side effects,
    in one transaction: the condition (history with who); when the offer is
    accepted and every condition is now met or waived, the applicant is
    enrolled (`enrol_if_ready`: a cohort place through curriculum, the student
    role, the application enrolled).
    """
    _require_admin(by)
    if status not in OfferCondition.Status.values:
        raise AdmissionsError("Unknown condition status.")
    now = now or timezone.now()
    with transaction.atomic():
        offer = Offer.objects.select_for_update().select_related("application").get(pk=condition.offer_id)
        locked = OfferCondition.objects.select_for_update().get(pk=condition.pk)
        locked.offer = offer
        if offer.state not in (Offer.State.PENDING, Offer.State.ACCEPTED):
            raise AdmissionsError("This offer is no longer open, so its conditions cannot change.")
        if hasattr(offer.application, "enrolment_link") and status == OfferCondition.Status.OUTSTANDING:
            raise AdmissionsError("The applicant is already enrolled.")
        locked.status = status
        locked.decided_at = None if status == OfferCondition.Status.OUTSTANDING else now
        locked.decided_by = None if status == OfferCondition.Status.OUTSTANDING else by
        _audited(locked, by).save()
        enrol_if_ready(offer=offer, by=by)
    return locked


def enrol_if_ready(*, offer, by):
    """Enrol the applicant if the offer is accepted, released, not superseded and
    has no condition outstanding, and the application is decided. Returns the
    Enrolment, or None when not ready. Copies nothing from the application.

    Called by `offer_respond` and `condition_decide` inside their transaction,
    with the offer locked. Side effects: `curriculum.services.student_enrol` (a
    place in the intake's cohort, or the programme's cohort for the intake's
    year and mode, made if missing; the student role); an ApplicationEnrolment
    linking the application to it; the application enrolled (history with `by`).
    """
    offer = Offer.objects.select_related("decision", "application__intake__programme",
                                         "application__intake__academic_year", "application__applicant").get(
        pk=offer.pk
    )
    application = offer.application
    if (
        offer.state != Offer.State.ACCEPTED
        or offer.decision.superseded_at is not None
        or offer.decision.released_at is None
        or offer.conditions.filter(status=OfferCondition.Status.OUTSTANDING).exists()
        or application.state != Application.State.DECIDED
    ):
        return None
    with transaction.atomic():
        intake = application.intake
        enrolment = student_enrol(
            student=application.applicant, cohort=intake.cohort, programme=intake.programme,
            academic_year=intake.academic_year, mode=intake.mode, by=by,
        )
        ApplicationEnrolment.objects.get_or_create(application=application, defaults={"enrolment": enrolment})
        locked = _lock(application)
        locked.state = Application.State.ENROLLED
        _audited(locked, by).save()
    return enrolment
