"""Reads for admissions admins: the list of applications (every aggregate from
ReviewSummary, the current decision from one join, never a query per row), one
application's page and its history."""

from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from ..models import (
    Application,
    ApplicationDocument,
    Decision,
    DocumentAccess,
    InterviewSlot,
    Offer,
    OfferCondition,
    Referee,
    Review,
    ReviewAssignment,
    ReviewerConflict,
)

DEFAULT_THRESHOLD = Decimal("3.0")
DEFAULT_K = 2


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
            ),
            short_of_reviewers=ExpressionWrapper(
                Q(assigned_count__lt=F("reviewers_wanted")), output_field=BooleanField()
            ),
            decision_outcome_label=Case(
                *(When(decision_outcome=value, then=Value(label)) for value, label in Decision.Outcome.choices),
                default=Value(""),
                output_field=CharField(),
            ),
        )
    )


def admin_application_page(application):
    """Everything an admin sees on an application's page."""
    decisions = list(
        Decision.objects.filter(application=application)
        .select_related("decided_by", "mail")
        .prefetch_related(
            Prefetch("offer", queryset=Offer.objects.prefetch_related(
                Prefetch("conditions", queryset=OfferCondition.objects.select_related("decided_by")
                         .prefetch_related("evidence"))
            ))
        )
        .order_by("-created_at")
    )
    current = next((d for d in decisions if d.superseded_at is None), None)
    for decision in decisions:
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


def documents_of(application):
    return ApplicationDocument.objects.filter(application=application)
