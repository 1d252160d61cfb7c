"""Admissions use cases. Each is atomic, re-checks permission and state, writes
the audit trail (django-simple-history, with the acting user) and queues mail
through notifications in the same transaction.
"""

import secrets
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.roles import Role
from notifications.services import queue_email

from . import mail, permissions
from .models import (
    Answer,
    Application,
    ApplicationDocument,
    Decision,
    DocumentKind,
    Intake,
    Offer,
    OfferCondition,
    PrivacyNotice,
    Referee,
)
from .pdf import clean_pdf, is_clean
from .steps import step_status


class AdmissionsError(Exception):
    """A use case refused; `message` is written for the person who tried."""

    message = "This cannot be done."

    def __init__(self, message=None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class IntakeClosed(AdmissionsError):
    message = "This intake is not open for applications."


class DeadlinePassed(AdmissionsError):
    message = "The deadline has passed, so this application can no longer be submitted."


class ApplicationLocked(AdmissionsError):
    message = "This application has been submitted, so it can no longer be changed."


class StaleVersion(AdmissionsError):
    message = (
        "This application was changed in another window or on another device after you opened this page. "
        "Your answers on this page have not been saved: check them and save again."
    )


class Incomplete(AdmissionsError):
    def __init__(self, missing):
        self.missing = missing
        super().__init__("Some parts of the application are not finished yet: " + ", ".join(missing) + ".")


class ReferenceLinkInvalid(AdmissionsError):
    def __init__(self, reason):
        self.reason = reason  # "expired", "invalid" or "used"
        super().__init__(reason)


class OfferClosed(AdmissionsError):
    message = "This offer can no longer be answered."


def _audited(obj, by):
    obj._history_user = by
    return obj


def _lock(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("intake__programme", "applicant")
        .get(pk=application.pk)
    )


def _require_owner(user, application):
    if not permissions.is_owner(user, application):
        raise PermissionDenied


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
                by.groups.add(Group.objects.get(name=Role.APPLICANT))
                by.__dict__.pop("_role_names", None)
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


def document_add(*, application, kind, file, by, question=None, condition=None):
    """Attach a checked PDF to an application.

    Applicant documents (CV, transcript, portfolio, answers) only while a draft,
    and a new one replaces the old of the same kind. Evidence for an offer
    condition while the offer stands. Side effects: the file is written to
    private storage; a replaced file is deleted after commit.
    """
    _require_owner(by, application)
    if kind == DocumentKind.EVIDENCE:
        if condition is None or condition.offer.application_id != application.pk:
            raise PermissionDenied
        if condition.offer.state not in (Offer.State.PENDING, Offer.State.ACCEPTED):
            raise OfferClosed()
    elif kind in (DocumentKind.CV, DocumentKind.TRANSCRIPT, DocumentKind.PORTFOLIO, DocumentKind.ANSWER):
        if application.state != Application.State.DRAFT:
            raise ApplicationLocked()
        if question is not None and question.intake_id != application.intake_id:
            raise PermissionDenied
    else:
        raise PermissionDenied
    file = file if is_clean(file) else clean_pdf(file)
    sha256 = file.sha256
    with transaction.atomic():
        replaced = []
        if kind != DocumentKind.EVIDENCE:
            replaced = list(
                ApplicationDocument.objects.filter(application=application, kind=kind, question=question)
            )
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=(file.name or "document.pdf")[-255:],
            size=file.size,
            sha256=sha256,
            uploaded_by=by,
            question=question,
            condition=condition,
        )
        document.file.save("upload.pdf", file, save=False)
        document.save()
        names = [old.file.name for old in replaced]
        ApplicationDocument.objects.filter(pk__in=[old.pk for old in replaced]).delete()
        _delete_files_on_commit(names)
    return document


def _delete_files_on_commit(names):
    from .storage import private_storage

    def delete():
        for name in names:
            private_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def document_delete(*, document, by):
    """Remove an applicant's own document from a draft. Side effect: the file goes after commit."""
    application = document.application
    _require_owner(by, application)
    if document.kind == DocumentKind.EVIDENCE:
        if document.condition.status != OfferCondition.Status.OUTSTANDING:
            raise OfferClosed("This condition has been decided, so its evidence stays.")
    elif application.state != Application.State.DRAFT:
        raise ApplicationLocked()
    elif document.kind not in permissions.APPLICANT_DOCUMENT_KINDS:
        raise PermissionDenied
    with transaction.atomic():
        name = document.file.name
        document.delete()
        _delete_files_on_commit([name])


def current_privacy_notice():
    return PrivacyNotice.objects.filter(published_at__lte=timezone.now()).order_by("-published_at").first()


def application_missing_steps(application):
    questions = list(application.intake.questions.all())
    documents = list(application.documents.all())
    rows, _all = step_status(application, questions, documents)
    return [step.title for step, complete in rows if not complete]


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


def referee_request(*, referee, application, now=None):
    """Issue a fresh single-use link to a referee and mail it. Side effects: a new
    nonce (older links stop working), requested_at, one mail queued."""
    now = now or timezone.now()
    referee.token_nonce = secrets.token_hex(16)
    referee.requested_at = now
    referee.save(update_fields=["token_nonce", "requested_at"])
    queue_email(
        purpose="admissions.reference_request",
        to=[referee.email],
        context=_referee_context(referee, application),
        idempotency_key=f"admissions:reference-request:{referee.pk}:{referee.token_nonce}",
        subject_objects=[application],
        reply_to=None,
    )


def _referee_context(referee, application):
    valid_until = timezone.localtime(timezone.now() + timedelta(seconds=mail.reference_link_max_age()))
    return {
        "referee_name": referee.name,
        "applicant_name": application.display_name,
        "relationship": referee.relationship,
        "intake": application.intake.title,
        "link": mail.reference_url(referee),
        "link_valid_until": f"{valid_until:%A} {valid_until.day} {valid_until:%B %Y}",
    }


def referee_from_token(token):
    """The referee a link is for, if the link is genuine, in date and unused."""
    from django.core import signing

    try:
        referee_id, nonce = mail.read_reference_token(token)
    except signing.SignatureExpired as exc:
        raise ReferenceLinkInvalid("expired") from exc
    except signing.BadSignature as exc:
        raise ReferenceLinkInvalid("invalid") from exc
    referee = (
        Referee.objects.select_related("application__intake", "application__applicant")
        .filter(pk=referee_id)
        .first()
    )
    if referee is None:
        raise ReferenceLinkInvalid("invalid")
    if referee.received_at is not None:
        raise ReferenceLinkInvalid("used")
    if not nonce or referee.token_nonce != nonce:
        raise ReferenceLinkInvalid("invalid")
    if referee.application.state in (Application.State.WITHDRAWN, Application.State.DRAFT):
        raise ReferenceLinkInvalid("invalid")
    return referee


def reference_submit(*, token, text, file=None, now=None):
    """A referee's reference, through their link. Returns the referee.

    The link works once: the row is locked and its nonce cleared, so two
    submissions at once store one reference. Side effects: the text and/or a
    PDF (private storage) are stored; received_at is set.
    """
    now = now or timezone.now()
    referee = referee_from_token(token)
    with transaction.atomic():
        referee = Referee.objects.select_for_update().get(pk=referee.pk)
        if referee.received_at is not None:
            raise ReferenceLinkInvalid("used")
        _, nonce = mail.read_reference_token(token)
        if referee.token_nonce != nonce:
            raise ReferenceLinkInvalid("invalid")
        if file is not None:
            file = file if is_clean(file) else clean_pdf(file)
            sha256 = file.sha256
            document = ApplicationDocument(
                application_id=referee.application_id,
                kind=DocumentKind.REFERENCE,
                original_name=f"Reference from {referee.name}.pdf"[:255],
                size=file.size,
                sha256=sha256,
                referee=referee,
            )
            document.file.save("reference.pdf", file, save=False)
            document.save()
        referee.reference_text = text or ""
        referee.received_at = now
        referee.token_nonce = ""
        referee.save(update_fields=["reference_text", "received_at", "token_nonce"])
    return referee


def application_start_review(*, application, by, now=None):
    """Mark a submitted application as under review (issue 8 calls this on assignment)."""
    if not permissions.can_record_decision(by):
        raise PermissionDenied
    with transaction.atomic():
        locked = _lock(application)
        if locked.state == Application.State.SUBMITTED:
            locked.state = Application.State.UNDER_REVIEW
            locked.review_started_at = now or timezone.now()
            _audited(locked, by).save()
    return locked


def decision_mail(decision, application):
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
    """Record a decision (issue 8 adds staging and bulk release around it).

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


def decision_release(*, decision, by, now=None):
    """Show a decision to the applicant. Side effects: released_at; the
    application becomes decided; a decision mail is queued (staged in the
    outbox for staff to release, as every decision mail is)."""
    if not permissions.can_record_decision(by):
        raise PermissionDenied
    now = now or timezone.now()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().select_related("application").get(pk=decision.pk)
        if decision.released_at is not None:
            return decision
        decision.released_at = now
        _audited(decision, by).save()
        application = _lock(decision.application)
        application.state = Application.State.DECIDED
        _audited(application, by).save()
        purpose, context = decision_mail(decision, application)
        queue_email(
            purpose=purpose,
            to=[application.applicant],
            context=context,
            idempotency_key=f"admissions:decision:{decision.pk}",
            subject_objects=[application],
        )
    return decision


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
