"""Reads about decisions: staged ones, applied ones whose mails are unsent,
the waiting list and the places left."""

from django.db.models import (
    Count,
    Q,
)

from notifications.models import OutboundEmail

from ..models import (
    Application,
    Decision,
    Offer,
)


def decision_mail(decision):
    """The decision's mail in the outbox, if it has one (read afresh: `decision` may be stale)."""
    return OutboundEmail.objects.filter(admissions_decision=decision.pk).first()


def next_waitlist_rank(intake):
    last = (
        Decision.objects.filter(application__intake=intake, superseded_at=None, outcome=Decision.Outcome.WAITLIST)
        .order_by("-waitlist_rank").values_list("waitlist_rank", flat=True).first()
    )
    return (last or 0) + 1


def staged_decisions(intake):
    return Decision.objects.filter(application__intake=intake, superseded_at=None, released_at=None)


def unsent_decision_mails(intake):
    """Staged outbox mails of the intake's current, applied decisions, each with
    its decision and applicant (`email.admissions_decision.application.applicant`)."""
    return OutboundEmail.objects.filter(
        state=OutboundEmail.State.STAGED, admissions_decision__application__intake=intake,
        admissions_decision__superseded_at=None, admissions_decision__released_at__isnull=False,
    ).select_related("admissions_decision__application__applicant")


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
