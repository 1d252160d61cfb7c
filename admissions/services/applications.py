"""An application's life as its applicant lives it: start, save each step,
submit, withdraw; and the move to under review when staff pick it up."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import Role
from accounts.services import user_add_role
from notifications.services import queue_email

from .. import mail, permissions
from ..models import (
    Answer,
    Application,
    Intake,
    Offer,
    Referee,
)
from ..selectors import application_missing_steps
from ._common import (
    ApplicationLocked,
    DeadlinePassed,
    Incomplete,
    IntakeClosed,
    StaleVersion,
    _audited,
    _lock,
    _require_owner,
)
from .references import referee_request


def application_start(*, intake: Intake, by, now=None):
    """Start (or resume) `by`'s application to an open intake. Returns (application, created).

    Side effects: a draft Application pre-filled with the account's name; the
    applicant role is added to the account if it lacks it. One per applicant
    per intake: a second start returns the first.
    """
    now = now or timezone.now()
    existing = Application.objects.filter(intake=intake, applicant=by).first()
    if existing is not None:
        return existing, False
    if not intake.is_open(now):
        raise IntakeClosed()
    try:
        with transaction.atomic():
            application = _audited(
                Application(intake=intake, applicant=by, legal_name=by.full_name), by
            )
            application.save()
            if Role.APPLICANT not in by.role_names():
                user_add_role(user=by, role=Role.APPLICANT, by=by, note=f"Started an application to {intake}.")
    except IntegrityError:
        # Two starts at once (a double click): the database kept one.
        return Application.objects.get(intake=intake, applicant=by), False
    return application, True


def _check_editable(application, by, expected_version):
    _require_owner(by, application)
    if application.state != Application.State.DRAFT:
        raise ApplicationLocked()
    if expected_version is not None and application.version != expected_version:
        raise StaleVersion()


def _claim_version(application, expected_version, **fields):
    """The optimistic lock: write only if nobody saved since `expected_version`."""
    updated = Application.objects.filter(
        pk=application.pk, version=expected_version, state=Application.State.DRAFT
    ).update(version=F("version") + 1, updated_at=timezone.now(), **fields)
    if not updated:
        current = Application.objects.only("state").get(pk=application.pk)
        if current.state != Application.State.DRAFT:
            raise ApplicationLocked()
        raise StaleVersion()
    application.version = expected_version + 1
    for name, value in fields.items():
        setattr(application, name, value)
    return application


def _completed(application, step_slug, complete):
    steps = [s for s in application.completed_steps if s != step_slug]
    if complete:
        steps.append(step_slug)
    return steps


def application_save_step(*, application, step, values, complete, expected_version, by):
    """Save one step's fields of a draft. `complete` says whether the step passed
    full validation. Raises StaleVersion when the draft changed since the form
    was opened (another tab), ApplicationLocked after submission.

    Side effects: the fields and `completed_steps` are written and `version`
    goes up by one, in one conditional UPDATE.
    """
    _check_editable(application, by, expected_version)
    # One conditional UPDATE: atomic on its own, so no transaction round trips.
    return _claim_version(
        application, expected_version, completed_steps=_completed(application, step, complete), **values
    )


def application_save_answers(*, application, answers, complete, expected_version, by):
    """Save the answers to the intake's extra questions. Same rules as application_save_step."""
    _check_editable(application, by, expected_version)
    with transaction.atomic():
        _claim_version(
            application, expected_version, completed_steps=_completed(application, "questions", complete)
        )
        existing = {a.question_id: a for a in Answer.objects.filter(application=application)}
        to_update, to_create = [], []
        for question, (text, selected) in answers.items():
            if question.intake_id != application.intake_id:
                raise PermissionDenied
            answer = existing.get(question.pk)
            if answer is None:
                to_create.append(Answer(application=application, question=question, text=text, selected=selected))
            else:
                answer.text, answer.selected = text, selected
                to_update.append(answer)
        # One statement each, whatever the number of questions.
        if to_update:
            Answer.objects.bulk_update(to_update, ["text", "selected"])
        if to_create:
            Answer.objects.bulk_create(to_create)
    return application


def application_save_referees(*, application, referees, complete, expected_version, by):
    """Save the two referees. Same rules as application_save_step."""
    _check_editable(application, by, expected_version)
    with transaction.atomic():
        _claim_version(
            application, expected_version, completed_steps=_completed(application, "referees", complete)
        )
        existing = {r.order: r for r in Referee.objects.filter(application=application)}
        to_update, to_create = [], []
        for data in referees:
            referee = existing.get(data["order"])
            if referee is None:
                to_create.append(Referee(application=application, **data))
            else:
                referee.name, referee.relationship, referee.email = data["name"], data["relationship"], data["email"]
                to_update.append(referee)
        # With their history rows: a referee's details are part of the audit trail.
        if to_update:
            bulk_update_with_history(to_update, Referee, ["name", "relationship", "email"], default_user=by)
        if to_create:
            bulk_create_with_history(to_create, Referee, default_user=by)
    return application


def application_submit(*, application, by, privacy_notice, declaration, now=None):
    """Submit a draft: lock it, acknowledge it and ask the referees. Returns
    (application, submitted_now); a second call (a double click) returns the
    already submitted application with submitted_now False and does nothing.

    Refuses after the intake's closing moment (inclusive) on the server clock,
    and while any step is incomplete. Side effects: state submitted (history
    records who); consent stored with the privacy notice's version; an
    acknowledgement to the applicant and a reference request with a signed,
    single-use link to each referee are queued, sent after commit.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(application)
        _require_owner(by, locked)
        if locked.state != Application.State.DRAFT:
            if locked.submitted_at is not None and locked.state != Application.State.WITHDRAWN:
                return locked, False
            raise ApplicationLocked()
        if now > locked.intake.closes_at:
            raise DeadlinePassed()
        if now < locked.intake.opens_at or not locked.intake.is_published:
            raise IntakeClosed()
        missing = application_missing_steps(locked)
        if missing:
            raise Incomplete(missing)
        if not declaration or privacy_notice is None:
            raise Incomplete(["the declaration"])
        locked.state = Application.State.SUBMITTED
        locked.submitted_at = now
        locked.declaration_accepted_at = now
        locked.privacy_notice = privacy_notice
        locked.privacy_consented_at = now
        locked.version = locked.version + 1
        _audited(locked, by).save()
        referees = list(locked.referees.order_by("order"))
        status_link = mail.absolute(reverse("admissions:status"))
        queue_email(
            purpose="admissions.acknowledgement",
            to=[locked.applicant],
            context={
                "name": locked.applicant.get_short_name(),
                "intake": locked.intake.title,
                "referee_names": " and ".join(r.name for r in referees),
                "status_link": status_link,
            },
            idempotency_key=f"admissions:acknowledgement:{locked.pk}",
            subject_objects=[locked],
        )
        for referee in referees:
            referee_request(referee=referee, application=locked, now=now)
    return locked, True


def application_start_review(*, application, by, now=None):
    """Mark a submitted application as under review (an assignment does this in bulk)."""
    if not permissions.can_record_decision(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock(application)
        if locked.state == Application.State.SUBMITTED:
            locked.state = Application.State.UNDER_REVIEW
            locked.review_started_at = now or timezone.now()
            _audited(locked, by).save()
    return locked


def application_withdraw(*, application, by, reason="", now=None):
    """Withdraw an application at any time before enrolling.

    Side effects: state withdrawn; an unanswered or accepted offer is withdrawn;
    referees' links stop working; a confirmation mail to the applicant is
    queued (unless it was only a draft).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(application)
        _require_owner(by, locked)
        if locked.state == Application.State.WITHDRAWN:
            return locked
        if not locked.can_withdraw:
            raise ApplicationLocked("You are enrolled, so this application cannot be withdrawn.")
        was_draft = locked.state == Application.State.DRAFT
        locked.state = Application.State.WITHDRAWN
        locked.withdrawn_at = now
        locked.withdrawal_reason = reason
        _audited(locked, by).save()
        for offer in Offer.objects.select_for_update().filter(
            application=locked, state__in=[Offer.State.PENDING, Offer.State.ACCEPTED]
        ):
            offer.state = Offer.State.WITHDRAWN
            offer.responded_at = now
            _audited(offer, by).save()
        Referee.objects.filter(application=locked, received_at=None).update(token_nonce="")
        if not was_draft:
            queue_email(
                purpose="admissions.withdrawn",
                to=[locked.applicant],
                context={"name": locked.applicant.get_short_name(), "intake": locked.intake.title},
                idempotency_key=f"admissions:withdrawn:{locked.pk}",
                subject_objects=[locked],
            )
    return locked
