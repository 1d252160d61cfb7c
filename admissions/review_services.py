"""Review-phase use cases: set-up, assignment, conflicts, reviews, decisions in
bulk, conditions, enrolment, interviews and the document-access audit.

Each is atomic, re-checks permission and state and writes history with the
acting user. Decisions reuse admissions I's `decision_record` and
`decision_release`; this module adds staging rules around them so that an
applicant never gets two contradictory decision mails.
"""

import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.roles import Role
from curriculum.models import Cohort, Enrolment
from notifications.models import OutboundEmail
from notifications.services import email_bulk_release, email_discard, queue_email

from . import mail, review_mail, services
from . import review_permissions as perms
from .assignment import plan_assignment
from .models import (
    Application,
    ApplicationEnrolment,
    Decision,
    DocumentAccess,
    InterviewSlot,
    Offer,
    OfferCondition,
    Referee,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewScore,
    ReviewSetup,
    ReviewSummary,
    RubricCriterion,
)

AdmissionsError = services.AdmissionsError
User = get_user_model()

# Applications that can be reviewed: submitted and not yet decided or withdrawn.
REVIEWABLE = [Application.State.SUBMITTED, Application.State.UNDER_REVIEW]
TEN = Decimal("10")
CENT = Decimal("0.01")


def _audited(obj, by):
    obj._history_user = by
    return obj


def _require_admin(by):
    if not perms.can_manage_reviews(by):
        raise PermissionDenied


def setup_for(intake):
    """The intake's review set-up, created with defaults on first use."""
    setup, _ = ReviewSetup.objects.get_or_create(intake=intake)
    return setup


# --- Set-up ------------------------------------------------------------------


def review_setup_save(*, setup, by, **fields):
    """Change an intake's review set-up. Side effects: history records who."""
    _require_admin(by)
    panel = fields.pop("panel", None)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(setup, name, value)
        _audited(setup, by).save()
        if panel is not None:
            setup.panel.set(panel)
    return setup


def criterion_save(*, criterion, by):
    _require_admin(by)
    _audited(criterion, by).save()
    return criterion


def criterion_delete(*, criterion, by):
    """Remove a rubric criterion nobody has scored yet."""
    _require_admin(by)
    if criterion.scores.exists():
        raise AdmissionsError("Reviewers have already scored this criterion, so it cannot be removed.")
    _audited(criterion, by).delete()


# --- Assignment --------------------------------------------------------------


def panel_for(setup):
    """The intake's reviewers: its panel, or everyone with the reviewer role."""
    chosen = list(setup.panel.filter(is_active=True).order_by("pk"))
    if chosen:
        return chosen
    return list(User.objects.filter(is_active=True, groups__name=Role.REVIEWER).distinct().order_by("pk"))


def exclusions(intake, reviewers, application_ids=None):
    """{application id: reviewer ids who may not review it}: declared conflicts
    (with the application or with the applicant's email), referees (by email)
    and the applicant themselves. Four queries."""
    by_email = {r.email.lower(): r.pk for r in reviewers}
    excluded = defaultdict(set)
    apps = Application.objects.filter(intake=intake)
    if application_ids is not None:
        apps = apps.filter(pk__in=application_ids)
    applicant_emails = {}
    for app_id, applicant_id, email in apps.values_list("pk", "applicant_id", "applicant__email"):
        applicant_emails[email.lower()] = app_id
        excluded[app_id].add(applicant_id)
    conflicts = ReviewerConflict.objects.filter(intake=intake).values_list("reviewer_id", "application_id", "email")
    for reviewer_id, app_id, email in conflicts:
        if app_id:
            excluded[app_id].add(reviewer_id)
        elif email and email.lower() in applicant_emails:
            excluded[applicant_emails[email.lower()]].add(reviewer_id)
    referees = Referee.objects.filter(application__intake=intake)
    if application_ids is not None:
        referees = referees.filter(application_id__in=application_ids)
    for app_id, email in referees.values_list("application_id", "email"):
        reviewer_id = by_email.get(email.lower())
        if reviewer_id:
            excluded[app_id].add(reviewer_id)
    return excluded


def assignment_run(*, intake, by, now=None, notify=True):
    """Assign every reviewable application of the intake its k reviewers,
    balancing loads (see admissions.assignment). Existing assignments stay.

    Returns the Plan (pairs created, applications left short, loads). Side
    effects: ReviewAssignments (bulk), submitted applications move to under
    review (with history rows, in bulk), one digest mail per reviewer with new
    assignments. A constant number of queries whatever the size.
    """
    _require_admin(by)
    now = now or timezone.now()
    setup = setup_for(intake)
    reviewers = panel_for(setup)
    with transaction.atomic():
        app_ids = list(
            Application.objects.select_for_update()
            .filter(intake=intake, state__in=REVIEWABLE)
            .values_list("pk", flat=True)
        )
        assigned = defaultdict(set)
        loads = Counter()
        for app_id, reviewer_id in ReviewAssignment.objects.filter(application__intake=intake).values_list(
            "application_id", "reviewer_id"
        ):
            assigned[app_id].add(reviewer_id)
            loads[reviewer_id] += 1
        plan = plan_assignment(
            applications=app_ids,
            reviewers=[r.pk for r in reviewers],
            k=setup.reviewers_per_application,
            assigned=assigned,
            excluded=exclusions(intake, reviewers),
            loads=loads,
        )
        _insert_assignments(plan.pairs, by, now)
        _start_review_bulk({app_id for app_id, _ in plan.pairs}, by, now)
        if notify:
            digests_send(intake=intake, by=by, now=now)
    return plan


def _start_review_bulk(app_ids, by, now):
    """Submitted → under review for many applications at once, with a history
    row for each (who and when), in two statements whatever the number."""
    from django.db import connection

    app_ids = list(app_ids)
    if not app_ids:
        return
    moving = list(
        Application.objects.filter(pk__in=app_ids, state=Application.State.SUBMITTED).values_list("pk", flat=True)
    )
    if not moving:
        return
    Application.objects.filter(pk__in=moving, state=Application.State.SUBMITTED).update(
        state=Application.State.UNDER_REVIEW, review_started_at=now
    )
    history = Application.history.model
    history_columns = {f.column for f in history._meta.concrete_fields}
    copied = [f.column for f in Application._meta.concrete_fields if f.column in history_columns]
    extra = {"history_date": now, "history_type": "~", "history_user_id": by.pk if by else None}
    if "history_change_reason" in history_columns:
        extra["history_change_reason"] = None
    columns = copied + list(extra)
    quote = connection.ops.quote_name
    table = quote(history._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(moving), 5000):
            chunk = moving[start:start + 5000]
            # Only quoted model column names are formatted in; every value is a parameter.
            sql = (
                f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
                f"SELECT {', '.join(quote(c) for c in copied)}, {', '.join(['%s'] * len(extra))} "
                f"FROM {quote(Application._meta.db_table)} WHERE id IN ({', '.join(['%s'] * len(chunk))})"
            )
            cursor.execute(sql, [*extra.values(), *chunk])


def _insert_assignments(pairs, by, now):
    """Write many assignments: one INSERT … SELECT FROM unnest on PostgreSQL, bulk_create elsewhere."""
    from django.db import connection

    if not pairs:
        return
    if connection.vendor != "postgresql":
        ReviewAssignment.objects.bulk_create(
            [ReviewAssignment(application_id=a, reviewer_id=r, source=ReviewAssignment.Source.AUTOMATIC,
                              assigned_at=now, assigned_by=by) for a, r in pairs],
            batch_size=2000,
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO admissions_reviewassignment (application_id, reviewer_id, source, assigned_at, "
            "assigned_by_id) SELECT a, r, %s, %s, %s FROM unnest(%s::bigint[], %s::bigint[]) AS t(a, r)",
            [ReviewAssignment.Source.AUTOMATIC, now, by.pk, [a for a, _ in pairs], [r for _, r in pairs]],
        )


def _ineligible_reason(application, reviewer):
    if reviewer.pk == application.applicant_id:
        return "They are the applicant."
    if ReviewerConflict.objects.filter(
        Q(application=application) | Q(intake=application.intake_id, email__iexact=application.applicant.email),
        reviewer=reviewer,
    ).exists():
        return "They have declared a conflict of interest with this applicant."
    if application.referees.filter(email__iexact=reviewer.email).exists():
        return "They are one of the applicant's referees."
    return None


def assignment_add(*, application, reviewer, by, now=None):
    """Assign one more reviewer by hand. Refuses a conflicted reviewer, a
    referee, the applicant, or someone without the reviewer role. Side effects:
    the assignment (history), the application moves to under review; the
    reviewer hears of it in their next digest."""
    _require_admin(by)
    now = now or timezone.now()
    if not perms.can_review(reviewer):
        raise AdmissionsError(f"{reviewer.full_name} does not have the reviewer role.")
    if application.state not in REVIEWABLE:
        raise AdmissionsError("Only a submitted application that is not yet decided can be assigned.")
    reason = _ineligible_reason(application, reviewer)
    if reason:
        raise AdmissionsError(f"{reviewer.full_name} cannot review this application. {reason}")
    with transaction.atomic():
        assignment, created = ReviewAssignment.objects.get_or_create(
            application=application, reviewer=reviewer,
            defaults={"source": ReviewAssignment.Source.MANUAL, "assigned_at": now, "assigned_by": by},
        )
        if not created:
            raise AdmissionsError(f"{reviewer.full_name} is already reviewing this application.")
        _start_review_bulk({application.pk}, by, now)
    return assignment


def assignment_remove(*, assignment, by):
    """Take an application away from a reviewer who has not reviewed it yet.
    Side effect: history records the deletion and who made it."""
    _require_admin(by)
    if Review.objects.filter(application_id=assignment.application_id, reviewer_id=assignment.reviewer_id).exists():
        raise AdmissionsError("This reviewer's review is in, so the assignment stays.")
    _audited(assignment, by).delete()


def digests_send(*, intake, by, now=None):
    """One mail per reviewer listing how many applications were assigned to them
    since their last digest. Returns how many mails. Side effects: notified_at
    on those assignments; the mails are queued (sent after commit)."""
    now = now or timezone.now()
    setup = setup_for(intake)
    due = setup.due_on.strftime("%A %-d %B %Y") if setup.due_on else "the date the admissions team gives"
    from django.db.models import Max

    with transaction.atomic():
        pending = (
            ReviewAssignment.objects.filter(application__intake=intake, notified_at=None)
            .values("reviewer_id").annotate(n=Count("pk"), last=Max("pk")).order_by("reviewer_id")
        )
        by_reviewer = {row["reviewer_id"]: (row["n"], row["last"]) for row in pending}
        reviewers = User.objects.in_bulk(list(by_reviewer))
        link = mail.absolute(reverse("admissions:review-queue"))
        for reviewer_id, (count, last) in by_reviewer.items():
            reviewer = reviewers[reviewer_id]
            queue_email(
                purpose=review_mail.DIGEST,
                to=[reviewer],
                context={
                    "name": reviewer.get_short_name(), "count": str(count), "intake": intake.title,
                    "due": due, "queue_link": link,
                },
                idempotency_key=f"admissions:review-digest:{intake.pk}:{reviewer_id}:{last}",
            )
            # Only what this digest counted: an assignment made meanwhile waits for the next one.
            ReviewAssignment.objects.filter(
                application__intake=intake, reviewer_id=reviewer_id, notified_at=None, pk__lte=last
            ).update(notified_at=now)
    return len(by_reviewer)


# --- Conflicts -----------------------------------------------------------------


def conflict_declare(*, reviewer, intake, by, application=None, email="", reason=""):
    """A reviewer declares a conflict of interest, with an application assigned
    to them or with a person by email. Side effects: the conflict; an assignment
    to that application is removed, and any review they wrote of it deleted
    (history keeps both), so it goes to someone else at the next assignment run."""
    if by != reviewer or not perms.can_review(by):
        raise PermissionDenied
    if application is not None and not ReviewAssignment.objects.filter(
        application=application, reviewer=reviewer
    ).exists():
        raise PermissionDenied
    with transaction.atomic():
        conflict = ReviewerConflict.objects.create(
            reviewer=reviewer, intake=intake, application=application, email=email.strip().lower(), reason=reason
        )
        targets = ReviewAssignment.objects.filter(reviewer=reviewer, application__intake=intake)
        if application is not None:
            targets = targets.filter(application=application)
        else:
            targets = targets.filter(application__applicant__email__iexact=email.strip())
        touched = set()
        for assignment in targets:
            touched.add(assignment.application_id)
            for review in Review.objects.filter(application_id=assignment.application_id, reviewer=reviewer):
                _audited(review, by).delete()
            _audited(assignment, by).delete()
        summaries_refresh(touched)
    return conflict


# --- Reviews -------------------------------------------------------------------


def weighted_score(criteria, values):
    """The weighted mean of scores, each scaled to 0 to 10, rounded to 2 places."""
    total_weight = sum(c.weight for c in criteria)
    total = sum(Decimal(values[c.pk]) / c.scale_max * TEN * c.weight for c in criteria)
    return (total / total_weight).quantize(CENT, rounding=ROUND_HALF_UP)


def review_save(*, application, reviewer, scores, recommendation, comment="", by, now=None):
    """Save (or change) a reviewer's review of an assigned application.

    `scores` maps criterion id to a value within its scale; every criterion of
    the intake's rubric needs one. Refused when not assigned, conflicted, or
    the review phase is closed. Side effects: Review (history) and its
    ReviewScores; the application's ReviewSummary is recomputed.
    """
    now = now or timezone.now()
    if by != reviewer or not perms.can_review_application(by, application):
        raise PermissionDenied
    setup = setup_for(application.intake)
    if not setup.is_open:
        raise AdmissionsError("The review phase is closed, so reviews can no longer be changed.")
    if recommendation not in Review.Recommendation.values:
        raise AdmissionsError("Choose a recommendation.")
    criteria = list(RubricCriterion.objects.filter(intake=application.intake_id))
    if not criteria:
        raise AdmissionsError("This intake has no rubric yet.")
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or not 1 <= int(value) <= criterion.scale_max:
            raise AdmissionsError(f"Give “{criterion.name}” a score from 1 to {criterion.scale_max}.")
    score = weighted_score(criteria, {c.pk: int(scores[c.pk]) for c in criteria})
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(application=application, reviewer=reviewer).first()
        if review is None:
            review = Review(application=application, reviewer=reviewer, submitted_at=now)
        review.recommendation = recommendation
        review.comment = comment
        review.score = score
        review.updated_at = now
        _audited(review, by).save()
        existing = {s.criterion_id: s for s in review.scores.all()}
        for criterion in criteria:
            value = int(scores[criterion.pk])
            row = existing.get(criterion.pk)
            if row is None:
                ReviewScore.objects.create(review=review, criterion=criterion, value=value)
            elif row.value != value:
                row.value = value
                row.save(update_fields=["value"])
        summaries_refresh([application.pk])
    return review


def _summary_values(scores):
    scores = sorted(scores)
    mean = (sum(scores) / len(scores)).quantize(CENT, rounding=ROUND_HALF_UP)
    median = Decimal(statistics.median(scores)).quantize(CENT, rounding=ROUND_HALF_UP)
    return mean, median, scores[-1] - scores[0]


def summaries_refresh(application_ids):
    """Recompute ReviewSummary rows for these applications (two queries plus writes)."""
    application_ids = list(application_ids)
    if not application_ids:
        return
    grouped = defaultdict(list)
    recs = defaultdict(Counter)
    for app_id, score, recommendation in Review.objects.filter(application_id__in=application_ids).values_list(
        "application_id", "score", "recommendation"
    ):
        grouped[app_id].append(score)
        recs[app_id][recommendation] += 1
    ReviewSummary.objects.filter(application_id__in=application_ids).exclude(
        application_id__in=list(grouped)
    ).delete()
    rows = []
    for app_id, scores in grouped.items():
        mean, median, spread = _summary_values(scores)
        rows.append(ReviewSummary(application_id=app_id, review_count=len(scores), mean=mean, median=median,
                                  spread=spread, recommendations=dict(recs[app_id])))
    ReviewSummary.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["application"],
        update_fields=["review_count", "mean", "median", "spread", "recommendations"], batch_size=2000,
    )


# --- Documents -------------------------------------------------------------------


def document_open(*, document, by, now=None):
    """Record that staff opened an application's document. Reviewers may open
    documents of applications assigned to them (never references in blind mode);
    admins any. Side effect: a DocumentAccess row."""
    application = document.application
    if not perms.can_view_application_as_staff(by, application):
        raise PermissionDenied
    if not perms.can_manage_reviews(by):
        from .models import DocumentKind

        setup = setup_for(application.intake)
        if document.kind == DocumentKind.REFERENCE and setup.blind:
            raise PermissionDenied
        if document.kind == DocumentKind.EVIDENCE:
            raise PermissionDenied
    return DocumentAccess.objects.create(
        application=application, document=document, document_label=str(document)[:300], user=by,
        at=now or timezone.now(),
    )


# --- Decisions -------------------------------------------------------------------


def decision_mail(decision):
    """The decision's mail in the outbox, if it has one."""
    return OutboundEmail.objects.filter(idempotency_key=f"admissions:decision:{decision.pk}").first()


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
    email = decision_mail(current)
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
        locked = services._lock(application)
        if locked.state not in (*REVIEWABLE, Application.State.DECIDED):
            raise AdmissionsError("Only a submitted application that is not withdrawn or enrolled can be decided.")
        _clear_current(locked, by, now)
        if outcome == Decision.Outcome.WAITLIST and waitlist_rank is None:
            waitlist_rank = next_waitlist_rank(locked.intake)
        return services.decision_record(
            application=locked, outcome=outcome, by=by, conditions=conditions, respond_by=respond_by,
            message=message, waitlist_rank=waitlist_rank, release=False, now=now,
        )


def next_waitlist_rank(intake):
    last = (
        Decision.objects.filter(application__intake=intake, superseded_at=None, outcome=Decision.Outcome.WAITLIST)
        .order_by("-waitlist_rank").values_list("waitlist_rank", flat=True).first()
    )
    return (last or 0) + 1


def staged_decisions(intake):
    return Decision.objects.filter(application__intake=intake, superseded_at=None, released_at=None)


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
            services.decision_release(decision=decision, by=by, now=now)
            count += 1
    return count


def unsent_decision_mails(intake):
    """Staged outbox mails of the intake's current, applied decisions."""
    keys = [
        f"admissions:decision:{pk}"
        for pk in Decision.objects.filter(
            application__intake=intake, superseded_at=None, released_at__isnull=False
        ).values_list("pk", flat=True)
    ]
    return OutboundEmail.objects.filter(idempotency_key__in=keys, state=OutboundEmail.State.STAGED)


def decision_mails_release(*, intake, by):
    """Send the staged mails of applied decisions. Returns how many were released."""
    _require_admin(by)
    return email_bulk_release(ids=list(unsent_decision_mails(intake).values_list("pk", flat=True)), by=by)


# --- Capacity and the waiting list ----------------------------------------------


def capacity(intake):
    """Places: accepted offers and offers still open against the capacity, and the
    waiting list's next candidates when places are free. Four queries."""
    current = Offer.objects.filter(application__intake=intake, decision__superseded_at=None)
    counts = current.aggregate(
        accepted=Count("pk", filter=Q(state=Offer.State.ACCEPTED, decision__released_at__isnull=False)),
        pending=Count("pk", filter=Q(state=Offer.State.PENDING, decision__released_at__isnull=False)),
        staged=Count("pk", filter=Q(decision__released_at=None)),
    )
    enrolled = Application.objects.filter(intake=intake, state=Application.State.ENROLLED).count()
    held = counts["accepted"] + counts["pending"]
    free = max(intake.capacity - held - counts["staged"], 0)
    waitlist = list(
        Decision.objects.filter(
            application__intake=intake, superseded_at=None, outcome=Decision.Outcome.WAITLIST,
            released_at__isnull=False,
        )
        .select_related("application__applicant")
        .order_by("waitlist_rank", "pk")
    )
    return {
        "capacity": intake.capacity, "accepted": counts["accepted"], "pending": counts["pending"],
        "staged": counts["staged"], "enrolled": enrolled, "free": free, "waitlist": waitlist,
        "proposed": waitlist[:free],
    }


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


# --- Conditions and enrolment -----------------------------------------------------


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
        locked = services._lock(application)
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
    """An accepted offer with nothing outstanding enrols at once (admissions I's
    offer_respond saves the offer; this runs in its transaction)."""
    if instance.state == Offer.State.ACCEPTED and not getattr(instance, "_skip_enrol", False):
        user = getattr(instance, "_history_user", None) or instance.application.applicant
        enrol_if_ready(offer=instance, by=user)


# --- Interviews -----------------------------------------------------------------


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


def interview_decision(application):
    return Decision.objects.filter(
        application=application, superseded_at=None, released_at__isnull=False, outcome=Decision.Outcome.INTERVIEW
    ).first()


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
