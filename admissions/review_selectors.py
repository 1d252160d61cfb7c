"""Reads for the review pages. Every list costs a constant number of queries:
aggregates come from ReviewSummary (kept up to date on each review save) and
the current decision from a subquery, never a query per row.
"""

import statistics
from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from accounts.roles import Role
from notifications.models import OutboundEmail

from . import review_permissions as perms
from .models import (
    Application,
    ApplicationDocument,
    Decision,
    DocumentAccess,
    DocumentKind,
    InterviewSlot,
    Offer,
    OfferCondition,
    Referee,
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewScore,
    ReviewSetup,
    RubricCriterion,
)

User = get_user_model()
DEFAULT_THRESHOLD = Decimal("3.0")
DEFAULT_K = 2


def reference_code(application_id):
    """How blind pages name an application: A-000123."""
    return f"A-{application_id:06d}"


def current_decision_annotations():
    """The current decision's outcome, release and id from one LEFT JOIN (the
    FilteredRelation comes first: the others read it). At most one decision per
    application is current (constraint one_current_decision), so the join never
    repeats a row; three correlated subqueries instead ran for every application
    before the list was sorted and cut to a page."""
    return {
        "current_decision": FilteredRelation("decisions", condition=Q(decisions__superseded_at__isnull=True)),
        "decision_outcome": F("current_decision__outcome"),
        "decision_released_at": F("current_decision__released_at"),
        "decision_id": F("current_decision__id"),
    }


def admin_applications():
    """Every submitted application with what the admin list shows and filters on."""
    assignments = ReviewAssignment.objects.filter(application=OuterRef("pk")).order_by().values("application")
    return (
        Application.objects.submitted()
        .select_related("intake", "applicant", "review_summary", "intake__review_setup")
        # Narrow rows: the list sorts thousands of them, and statements are long.
        .only(
            "pk", "state", "submitted_at", "legal_name", "preferred_name", "intake__title", "intake__slug",
            "applicant__full_name", "applicant__email", "review_summary__review_count", "review_summary__mean",
            "review_summary__median", "review_summary__spread", "intake__review_setup__reviewers_per_application",
            "intake__review_setup__disagreement_threshold",
        )
        .annotate(
            **current_decision_annotations(),
            assigned_count=Coalesce(
                Subquery(assignments.annotate(c=Count("pk")).values("c")[:1], output_field=IntegerField()), 0
            ),
            reviews_in=Coalesce("review_summary__review_count", 0),
            reviewers_wanted=Coalesce("intake__review_setup__reviewers_per_application", Value(DEFAULT_K)),
            threshold=Coalesce(
                "intake__review_setup__disagreement_threshold", Value(DEFAULT_THRESHOLD),
                output_field=DecimalField(max_digits=4, decimal_places=1),
            ),
        )
        .annotate(
            disagrees=ExpressionWrapper(
                Q(review_summary__spread__gte=F("threshold")), output_field=BooleanField()
            )
        )
    )


def application_for_staff_or_404(user, pk):
    """An application an admin, or a reviewer assigned to it without a conflict, may open."""
    application = (
        Application.objects.submitted()
        .select_related("intake__programme", "intake__academic_year", "applicant")
        .filter(pk=pk)
        .first()
    )
    if application is None or not perms.can_view_application_as_staff(user, application):
        raise Http404
    return application


def application_for_admin_or_404(user, pk):
    if not perms.can_manage_reviews(user):
        raise Http404
    return application_for_staff_or_404(user, pk)


def setup_of(intake):
    return ReviewSetup.objects.filter(intake=intake).first()


def rubric(intake):
    return list(RubricCriterion.objects.filter(intake=intake).order_by("order", "pk"))


# --- The reviewer's queue -----------------------------------------------------------


def reviewer_queue(user, show="todo"):
    """Assignments of `user`, never where they are conflicted, with their own
    review's time and score. One query (plus the paginator's count)."""
    mine = Review.objects.filter(application=OuterRef("application"), reviewer=user)
    conflicted = ReviewerConflict.objects.filter(application=OuterRef("application"), reviewer=user)
    qs = (
        ReviewAssignment.objects.filter(reviewer=user)
        .exclude(Exists(conflicted))
        .filter(application__state__in=[Application.State.SUBMITTED, Application.State.UNDER_REVIEW,
                                        Application.State.DECIDED])
        .select_related("application__intake__review_setup", "application__applicant")
        .annotate(
            reviewed_at=Subquery(mine.values("updated_at")[:1]),
            my_score=Subquery(mine.values("score")[:1]),
            my_recommendation=Subquery(mine.values("recommendation")[:1]),
        )
    )
    if show == "todo":
        qs = qs.filter(reviewed_at__isnull=True)
    elif show == "done":
        qs = qs.filter(reviewed_at__isnull=False)
    return qs.order_by(F("application__intake__review_setup__due_on").asc(nulls_last=True), "application_id")


def reviewer_counts(user):
    mine = Review.objects.filter(application=OuterRef("application"), reviewer=user)
    conflicted = ReviewerConflict.objects.filter(application=OuterRef("application"), reviewer=user)
    counts = (
        ReviewAssignment.objects.filter(reviewer=user).exclude(Exists(conflicted))
        .filter(application__state__in=[Application.State.SUBMITTED, Application.State.UNDER_REVIEW,
                                        Application.State.DECIDED])
        .aggregate(total=Count("pk"), done=Count("pk", filter=Exists(mine)))
    )
    counts["todo"] = counts["total"] - counts["done"]
    return counts


def next_assignment(user, after_application_id):
    """The next application in `user`'s queue still waiting for their review."""
    queue = list(reviewer_queue(user, "todo").values_list("application_id", flat=True)[:200])
    later = [pk for pk in queue if pk > after_application_id]
    return (later or [pk for pk in queue if pk != after_application_id] or [None])[0]


# --- One application --------------------------------------------------------------


def reviews_for(application):
    return list(
        Review.objects.filter(application=application)
        .select_related("reviewer")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")))
        .order_by("submitted_at")
    )


def application_review_page(application, user):
    """What a reviewer sees of an application (and admins, on the review form)."""
    setup = setup_of(application.intake)
    reviews = reviews_for(application)
    own = next((r for r in reviews if r.reviewer_id == user.pk), None)
    show_identity = perms.sees_identity(user, setup)
    kinds = [DocumentKind.CV, DocumentKind.TRANSCRIPT, DocumentKind.PORTFOLIO, DocumentKind.ANSWER]
    if show_identity:
        kinds.append(DocumentKind.REFERENCE)
    documents = list(application.documents.filter(kind__in=kinds).select_related("question", "referee"))
    answers = list(
        application.answers.select_related("question").filter(question__sensitive=False).order_by("question__order")
    )
    return {
        "setup": setup,
        "criteria": rubric(application.intake),
        "own_review": own,
        "own_scores": {s.criterion_id: s.value for s in own.scores.all()} if own else {},
        "co_reviews": [r for r in reviews if r.reviewer_id != user.pk] if perms.sees_co_reviews(user, setup, own)
        else None,
        "show_identity": show_identity,
        "documents": documents,
        "answers": answers,
        "referees": list(application.referees.order_by("order")) if show_identity else [],
        "code": reference_code(application.pk),
    }


def admin_application_page(application):
    """Everything an admin sees on an application's page."""
    decisions = list(
        Decision.objects.filter(application=application)
        .select_related("decided_by")
        .prefetch_related(
            Prefetch("offer", queryset=Offer.objects.prefetch_related(
                Prefetch("conditions", queryset=OfferCondition.objects.select_related("decided_by")
                         .prefetch_related("evidence"))
            ))
        )
        .order_by("-created_at")
    )
    current = next((d for d in decisions if d.superseded_at is None), None)
    mails = {
        m.idempotency_key: m
        for m in OutboundEmail.objects.filter(
            idempotency_key__in=[f"admissions:decision:{d.pk}" for d in decisions]
        )
    }
    for decision in decisions:
        decision.mail = mails.get(f"admissions:decision:{decision.pk}")
        decision.current_offer = getattr(decision, "offer", None) if _has_offer(decision) else None
    return {
        "decisions": decisions,
        "current_decision": current,
        "assignments": list(
            ReviewAssignment.objects.filter(application=application).select_related("reviewer", "assigned_by")
        ),
        "documents": list(application.documents.select_related("referee", "question", "condition")),
        "referees": list(application.referees.order_by("order")),
        "answers": list(application.answers.select_related("question").order_by("question__order")),
        "conflicts": list(ReviewerConflict.objects.filter(application=application).select_related("reviewer")),
        "slot": InterviewSlot.objects.filter(application=application).first(),
        "history": application_history(application),
    }


def _has_offer(decision):
    try:
        return decision.offer is not None
    except Offer.DoesNotExist:
        return False


def application_history(application):
    """Every state change and document opening, newest first: (when, who, what)."""
    events = []
    previous = None
    for row in application.history.order_by("history_date", "history_id").select_related("history_user"):
        if row.state != previous:
            label = Application.State(row.state).label if row.state in Application.State.values else row.state
            events.append((row.history_date, row.history_user, f"Application: {label}"))
            previous = row.state
    for row in Decision.history.filter(application_id=application.pk).select_related("history_user").order_by(
        "history_date"
    ):
        outcome = Decision.Outcome(row.outcome).label
        if row.history_type == "+":
            what = f"Decision staged: {outcome}"
        elif row.superseded_at:
            what = f"Decision replaced: {outcome}"
        elif row.released_at:
            what = f"Decision applied, mail staged: {outcome}"
        else:
            continue
        events.append((row.history_date, row.history_user, what))
    offer_ids = list(Offer.objects.filter(application=application).values_list("pk", flat=True))
    for row in Offer.history.filter(id__in=offer_ids).select_related("history_user").order_by("history_date"):
        label = "waiting for an answer" if row.state == Offer.State.PENDING else Offer.State(row.state).label.lower()
        events.append((row.history_date, row.history_user, f"Offer: {label}"))
    for row in OfferCondition.history.filter(offer_id__in=offer_ids).select_related("history_user").order_by(
        "history_date"
    ):
        status = OfferCondition.Status(row.status).label
        events.append((row.history_date, row.history_user, f"Condition “{row.text}”: {status}"))
    for row in ReviewAssignment.history.filter(application_id=application.pk).select_related(
        "history_user", "reviewer"
    ):
        verb = {"+": "assigned to", "-": "taken from"}.get(row.history_type)
        if verb:
            events.append((row.history_date, row.history_user, f"Reviewer {verb} {row.reviewer.full_name}"))
    for row in Review.history.filter(application_id=application.pk).select_related("history_user"):
        verb = {"+": "Review submitted", "~": "Review changed", "-": "Review withdrawn (conflict declared)"}[
            row.history_type
        ]
        events.append((row.history_date, row.history_user, f"{verb}: {row.score} out of 10"))
    for referee in Referee.objects.filter(application=application, received_at__isnull=False):
        events.append((referee.received_at, None, f"Reference received from {referee.name}"))
    for access in DocumentAccess.objects.filter(application=application).select_related("user"):
        events.append((access.at, access.user, f"Opened {access.document_label}"))
    order = {id(e): n for n, e in enumerate(events)}
    events.sort(key=lambda e: (e[0], order[id(e)]), reverse=True)
    return events


# --- Dashboard --------------------------------------------------------------------


CHART_STATES = [
    Application.State.SUBMITTED,
    Application.State.UNDER_REVIEW,
    Application.State.DECIDED,
    Application.State.ENROLLED,
    Application.State.WITHDRAWN,
]


def states_over_time(intake, points=8, now=None):
    """Counts of submitted applications by state at `points` evenly spaced
    moments from the intake's opening to now. From the history table: one query."""
    now = now or timezone.now()
    start = intake.opens_at
    end = min(now, max(intake.closes_at, now))
    if end <= start:
        end = start + timedelta(days=1)
    step = (end - start) / (points - 1)
    moments = [start + step * i for i in range(points)]
    changes = defaultdict(list)
    rows = Application.history.filter(intake_id=intake.pk).order_by("history_date", "history_id").values_list(
        "id", "history_date", "state"
    )
    for app_id, at, state in rows:
        changes[app_id].append((at, state))
    series = {state: [0] * points for state in CHART_STATES}
    for history in changes.values():
        index = 0
        state = None
        for i, moment in enumerate(moments):
            while index < len(history) and history[index][0] <= moment:
                state = history[index][1]
                index += 1
            if state in series:
                series[state][i] += 1
    return moments, series


def dashboard(intake):
    """The figures on the admissions dashboard for one intake."""
    offers = Offer.objects.filter(application__intake=intake, decision__released_at__isnull=False)
    offer_counts = offers.aggregate(
        accepted=Count("pk", filter=Q(state=Offer.State.ACCEPTED)),
        declined=Count("pk", filter=Q(state=Offer.State.DECLINED)),
        lapsed=Count("pk", filter=Q(state=Offer.State.LAPSED)),
        pending=Count("pk", filter=Q(state=Offer.State.PENDING)),
    )
    answered = offer_counts["accepted"] + offer_counts["declined"] + offer_counts["lapsed"]
    rate = round(100 * offer_counts["accepted"] / answered) if answered else None
    waits = [
        (released - submitted).total_seconds() / 86400
        for submitted, released in Decision.objects.filter(
            application__intake=intake, superseded_at=None, released_at__isnull=False,
            application__submitted_at__isnull=False,
        ).values_list("application__submitted_at", "released_at")
    ]
    median_days = round(statistics.median(waits), 1) if waits else None
    by_state = Counter(
        dict(Application.objects.filter(intake=intake).values_list("state").annotate(n=Count("pk")).order_by())
    )
    reviewed = Review.objects.filter(application=OuterRef("application"), reviewer=OuterRef("reviewer"))
    outstanding = (
        ReviewAssignment.objects.filter(application__intake=intake,
                                        application__state__in=[Application.State.SUBMITTED,
                                                                Application.State.UNDER_REVIEW])
        .annotate(done=Exists(reviewed))
        .values("reviewer", "reviewer__full_name", "reviewer__email")
        .annotate(total=Count("pk"), outstanding=Count("pk", filter=Q(done=False)))
        .order_by("-outstanding", "reviewer__full_name")
    )
    moments, series = states_over_time(intake)
    return {
        "offers": offer_counts,
        "acceptance_rate": rate,
        "answered": answered,
        "median_days": median_days,
        "decided_count": len(waits),
        "by_state": [(Application.State(s).label, by_state.get(s, 0)) for s in Application.State.values],
        "outstanding": list(outstanding),
        "moments": moments,
        "series": series,
    }


def reviewers():
    return User.objects.filter(is_active=True, groups__name=Role.REVIEWER).distinct().order_by("full_name")


def documents_of(application):
    return ApplicationDocument.objects.filter(application=application)
