"""The figures of the admissions dashboard, from the history tables."""

import statistics
from collections import Counter, defaultdict
from datetime import timedelta

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
)
from django.utils import timezone

from ..models import (
    Application,
    Decision,
    Offer,
    Review,
    ReviewAssignment,
)

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
