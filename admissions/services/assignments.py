"""Who reviews what: the balanced automatic run, assignments by hand, and the
digest mail that tells reviewers what is new."""

from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from core.access import acting_user
from notifications.services import queue_email

from .. import mail, permissions
from ..assignment import plan_assignment
from ..models import (
    Application,
    Review,
    ReviewAssignment,
    ReviewerConflict,
)
from ..selectors import exclusions, panel_for
from ._common import REVIEWABLE, AdmissionsError, _audited, _require_admin
from .setup import setup_for

User = get_user_model()


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
    extra = {"history_date": now, "history_type": "~", "history_user_id": getattr(acting_user(by), "pk", None)}
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
    if not permissions.can_review(reviewer):
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
                purpose=mail.DIGEST,
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
