"""Decisions: staged, applied in bulk, their mails released after a check, and
replaced only in ways that never send an applicant two contradictory mails."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from notifications.models import OutboundEmail
from notifications.services import email_bulk_release, email_discard, queue_email

from .. import mail, permissions
from ..models import (
    Application,
    Decision,
    Offer,
    OfferCondition,
)
from ..selectors import capacity, next_waitlist_rank, staged_decisions, unsent_decision_mails
from ._common import REVIEWABLE, AdmissionsError, ApplicationLocked, _audited, _lock, _require_admin


def decision_mail_content(decision, application):
    """(purpose, context) of the mail that tells the applicant about `decision`:
    each outcome has its own template, so an offer never reads like a rejection."""
    message = decision.message.strip()
    context = {
        "name": application.applicant.get_short_name(),
        "intake": application.intake.title,
        "message": f"{message}\n\n" if message else "",
        "status_link": mail.absolute(reverse("admissions:status")),
    }
    outcome = decision.outcome
    if outcome == Decision.Outcome.OFFER:
        offer = decision.offer
        tz_name = application.intake.programme.timezone
        context["respond_by"] = mail.deadline_words(offer.respond_by, tz_name)
        context["offer_link"] = mail.absolute(reverse("admissions:offer", args=[application.pk]))
        if not offer.conditional:
            return mail.decision_purpose("offer"), context
        context["conditions"] = "\n".join(
            f"- {condition.text}" + (f" (by {date_format(condition.due_on, 'l j F Y')})" if condition.due_on else "")
            for condition in offer.conditions.order_by("order", "pk")
        )
        return mail.decision_purpose("conditional_offer"), context
    if outcome == Decision.Outcome.INTERVIEW:
        context["booking_link"] = mail.absolute(reverse("admissions:interview-book", args=[application.pk]))
        return mail.decision_purpose("interview"), context
    key = {Decision.Outcome.WAITLIST: "waitlist", Decision.Outcome.REJECT: "rejection"}[outcome]
    return mail.decision_purpose(key), context


def decision_record(
    *, application, outcome, by, conditions=(), respond_by=None, message="", waitlist_rank=None,
    release=True, now=None,
):
    """Record a decision; decision_stage wraps it to stage one for release in bulk.

    `conditions` is a list of (text, due_on) for a conditional offer. A new
    decision supersedes the current one (withdrawing its offer if unanswered).
    Side effects: Decision (+ Offer and OfferConditions); when `release`, the
    decision is released (see decision_release).
    """
    if not permissions.can_record_decision(by):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(application)
        if locked.state in (Application.State.DRAFT, Application.State.WITHDRAWN, Application.State.ENROLLED):
            raise ApplicationLocked("Only a submitted application can be decided.")
        for previous in Decision.objects.select_for_update().filter(application=locked, superseded_at=None):
            previous.superseded_at = now
            _audited(previous, by).save()
            Offer.objects.filter(decision=previous, state=Offer.State.PENDING).update(
                state=Offer.State.WITHDRAWN, responded_at=now
            )
        decision = _audited(
            Decision(
                application=locked, outcome=outcome, decided_by=by, message=message,
                waitlist_rank=waitlist_rank if outcome == Decision.Outcome.WAITLIST else None,
            ),
            by,
        )
        decision.save()
        if outcome == Decision.Outcome.OFFER:
            offer = _audited(
                Offer(
                    decision=decision, application=locked, conditional=bool(conditions),
                    respond_by=respond_by or now + timedelta(days=28),
                ),
                by,
            )
            offer.save()
            for order, (text, due_on) in enumerate(conditions, start=1):
                _audited(OfferCondition(offer=offer, order=order, text=text, due_on=due_on), by).save()
        if release:
            decision = decision_release(decision=decision, by=by, now=now)
    return decision


def decision_mail_key(decision):
    """The outbox idempotency key of a decision's mail: one mail per decision.
    Only `decision_release` uses it; everything else follows `Decision.mail`."""
    return f"admissions:decision:{decision.pk}"


def decision_release(*, decision, by, now=None):
    """Show a decision to the applicant. Side effects: released_at; the
    application becomes decided; a decision mail is queued (staged in the
    outbox for staff to release, as every decision mail is) and linked as
    `decision.mail`."""
    if not permissions.can_record_decision(by):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("application").get(pk=decision.pk)
        if decision.released_at is not None:
            return decision
        decision.released_at = now
        application = _lock(decision.application)
        application.state = Application.State.DECIDED
        _audited(application, by).save()
        purpose, context = decision_mail_content(decision, application)
        decision.mail = queue_email(
            purpose=purpose,
            to=[application.applicant],
            context=context,
            idempotency_key=decision_mail_key(decision),
            subject_objects=[application],
        )
        _audited(decision, by).save()
    return decision


# A released decision whose mail has gone may be followed only by these (a
# waitlisted applicant offered a place; an interviewed applicant decided).
FOLLOWABLE = {Decision.Outcome.WAITLIST, Decision.Outcome.INTERVIEW}


def _clear_current(application, by, now):
    """Before a new decision: check the current one may change, and discard its
    unsent mail. Returns nothing; raises AdmissionsError when it may not change."""
    current = (
        Decision.objects.select_for_update().filter(application=application, superseded_at=None)
        .select_related("application").first()
    )
    if current is None or current.released_at is None:
        return
    offer = Offer.objects.filter(decision=current).first()
    if offer is not None and offer.state in (Offer.State.ACCEPTED, Offer.State.DECLINED):
        raise AdmissionsError("The applicant has answered this offer, so the decision can no longer change.")
    email = current.mail
    unsent = email is not None and email.state == OutboundEmail.State.STAGED
    if unsent:
        email_discard(email=email, by=by)
        application.state = Application.State.UNDER_REVIEW
        _audited(application, by).save()
    elif current.outcome not in FOLLOWABLE:
        raise AdmissionsError(
            f"The applicant has been sent “{current.get_outcome_display()}”, so it cannot be replaced "
            "with another decision."
        )


def decision_stage(
    *, application, outcome, by, conditions=(), respond_by=None, message="", waitlist_rank=None, now=None
):
    """Stage a decision: nothing is shown or sent until it is applied.

    Replaces the current decision: a staged one simply; an applied one whose
    mail is still unsent has its mail discarded first (so an applicant can never
    receive both an offer and a rejection); an applied one whose mail has gone
    only when it was a waiting list place or an interview. Side effects: a
    Decision (+ Offer and OfferConditions for an offer), history with who.
    """
    _require_admin(by)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(application)
        if locked.state not in (*REVIEWABLE, Application.State.DECIDED):
            raise AdmissionsError("Only a submitted application that is not withdrawn or enrolled can be decided.")
        _clear_current(locked, by, now)
        if outcome == Decision.Outcome.WAITLIST and waitlist_rank is None:
            waitlist_rank = next_waitlist_rank(locked.intake)
        return decision_record(
            application=locked, outcome=outcome, by=by, conditions=conditions, respond_by=respond_by,
            message=message, waitlist_rank=waitlist_rank, release=False, now=now,
        )


def decisions_apply(*, intake, by, ids=None, now=None):
    """Apply staged decisions in bulk: each is shown to its applicant and its
    mail is written to the outbox, staged for release. Returns how many.
    Side effects: see admissions.services.decision_release, for each."""
    _require_admin(by)
    now = now or timezone.now()
    decisions = staged_decisions(intake).order_by("pk")
    if ids is not None:
        decisions = decisions.filter(pk__in=list(ids))
    count = 0
    with transaction.atomic():
        for decision in decisions.select_related("application"):
            decision_release(decision=decision, by=by, now=now)
            count += 1
    return count


def decision_mails_release(*, intake, by):
    """Send the staged mails of applied decisions. Returns how many were released."""
    _require_admin(by)
    return email_bulk_release(ids=list(unsent_decision_mails(intake).values_list("pk", flat=True)), by=by)


def waitlist_offer(*, intake, by, count=None, respond_by=None, now=None):
    """Stage offers for the waiting list's next candidates, as many as places are
    free (or `count`). Returns the staged decisions."""
    _require_admin(by)
    places = capacity(intake)
    chosen = places["proposed"] if count is None else places["waitlist"][:count]
    return [
        decision_stage(application=d.application, outcome=Decision.Outcome.OFFER, by=by, respond_by=respond_by,
                       now=now)
        for d in chosen
    ]
