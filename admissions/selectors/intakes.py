"""Intakes as applicants find them: open, recently closed, next to open; and
the privacy notice that applies."""

from datetime import timedelta

from django.db.models import (
    Count,
    Q,
)
from django.http import Http404
from django.utils import timezone

from ..models import (
    Application,
    Intake,
    PrivacyNotice,
)


def _intakes():
    return Intake.objects.published().select_related("programme", "academic_year")


def apply_page(now=None):
    """Open intakes, and for programmes with none open, the last closed and the next to open.

    Returns {"open": [...], "closed": [(closed intake, next intake or None), ...]}. Three queries.
    """
    now = now or timezone.now()
    open_intakes = list(_intakes().filter(opens_at__lte=now, closes_at__gte=now).order_by("closes_at"))
    upcoming = list(_intakes().filter(opens_at__gt=now).order_by("opens_at"))
    open_programmes = {intake.programme_id for intake in open_intakes}
    recently_closed = list(
        _intakes()
        .filter(closes_at__lt=now, closes_at__gte=now - timedelta(days=366))
        .exclude(programme_id__in=open_programmes)
        .order_by("-closes_at")
    )
    closed, seen = [], set()
    for intake in recently_closed:
        if intake.programme_id in seen:
            continue
        seen.add(intake.programme_id)
        following = next((u for u in upcoming if u.programme_id == intake.programme_id), None)
        closed.append((intake, following))
    upcoming_only = [
        u for u in upcoming if u.programme_id not in open_programmes and u.programme_id not in seen
    ]
    return {"open": open_intakes, "closed": closed, "upcoming": upcoming_only}


def intake_by_slug_or_404(slug):
    intake = _intakes().prefetch_related("questions").filter(slug=slug).first()
    if intake is None:
        raise Http404
    return intake


def next_open_intake(now=None, programme=None):
    now = now or timezone.now()
    qs = _intakes().filter(opens_at__lte=now, closes_at__gte=now)
    if programme is not None:
        qs = qs.filter(programme=programme)
    return qs.order_by("closes_at").first()


def intake_counts(intake):
    return intake.applications.aggregate(
        submitted=Count("pk", filter=~Q(state=Application.State.DRAFT)),
        drafts=Count("pk", filter=Q(state=Application.State.DRAFT)),
    )


def current_privacy_notice():
    return PrivacyNotice.objects.filter(published_at__lte=timezone.now()).order_by("-published_at").first()
