"""Offers: the applicant's answer, the conditions staff mark met or waived, and
the enrolment that follows when nothing is outstanding."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.roles import Role
from curriculum.models import Cohort, Enrolment

from ..models import (
    Application,
    ApplicationEnrolment,
    Offer,
    OfferCondition,
)
from ._common import AdmissionsError, OfferClosed, _audited, _lock, _require_admin, _require_owner


def offer_respond(*, offer, accept: bool, by, now=None):
    """Accept or decline an offer before its deadline. Side effects: the offer's
    state and responded_at (history records who)."""
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
    return locked


def condition_decide(*, condition, status, by, now=None):
    """Mark an offer condition met, waived or outstanding again. Side effects:
    the condition (history with who); the applicant is enrolled when the offer
    is accepted and every condition is met or waived."""
    _require_admin(by)
    if status not in OfferCondition.Status.values:
        raise AdmissionsError("Unknown condition status.")
    now = now or timezone.now()
    with transaction.atomic():
        locked = OfferCondition.objects.select_for_update().select_related("offer").get(pk=condition.pk)
        if locked.offer.state not in (Offer.State.PENDING, Offer.State.ACCEPTED):
            raise AdmissionsError("This offer is no longer open, so its conditions cannot change.")
        if hasattr(locked.offer.application, "enrolment_link") and status == OfferCondition.Status.OUTSTANDING:
            raise AdmissionsError("The applicant is already enrolled.")
        locked.status = status
        locked.decided_at = None if status == OfferCondition.Status.OUTSTANDING else now
        locked.decided_by = None if status == OfferCondition.Status.OUTSTANDING else by
        _audited(locked, by).save()
        enrol_if_ready(offer=locked.offer, by=by, now=now)
    return locked


def enrol_if_ready(*, offer, by, now=None):
    """When an offer is accepted and all its conditions are met or waived, the
    applicant becomes a student: an Enrolment in the programme's cohort for the
    intake's academic year (created if missing), the student role, the
    application enrolled, and an ApplicationEnrolment linking the two. Returns
    the Enrolment, or None when not ready. Copies nothing from the application."""
    now = now or timezone.now()
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
        cohort = intake.cohort
        if cohort is None:
            cohort, _ = Cohort.objects.get_or_create(
                programme=intake.programme, academic_year=intake.academic_year, mode=intake.mode,
                defaults={
                    "name": f"{intake.programme.title} {intake.academic_year.name} {intake.get_mode_display().lower()}",
                    "slug": _unique_cohort_slug(intake),
                },
            )
        enrolment, _ = Enrolment.objects.get_or_create(cohort=cohort, student=application.applicant)
        ApplicationEnrolment.objects.get_or_create(application=application, defaults={"enrolment": enrolment})
        application.applicant.groups.add(Group.objects.get(name=Role.STUDENT))
        application.applicant.__dict__.pop("_role_names", None)
        locked = _lock(application)
        locked.state = Application.State.ENROLLED
        _audited(locked, by).save()
    return enrolment


def _unique_cohort_slug(intake):
    base = slugify(f"{intake.programme.slug}-{intake.academic_year.slug}-{intake.mode}")[:190]
    slug, n = base, 1
    while Cohort.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def on_offer_saved(sender, instance, created, **kwargs):
    """An accepted offer with nothing outstanding enrols at once (offer_respond
    saves the offer; this runs in its transaction)."""
    if instance.state == Offer.State.ACCEPTED and not getattr(instance, "_skip_enrol", False):
        user = getattr(instance, "_history_user", None) or instance.application.applicant
        enrol_if_ready(offer=instance, by=user)
