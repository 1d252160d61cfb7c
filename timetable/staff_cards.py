"""The timetable's card on the staff area's front page (see core/staff_cards.py)."""

from django.db.models import Count, Q
from django.urls import reverse

from core.staff_cards import Card, Line

from .models import Session
from .permissions import can_edit_timetable
from .timezones import default_zone, iso_week, week_bounds, week_monday


def timetable_card(user):
    """This week at a glance. One query."""
    if not can_edit_timetable(user):
        return None
    zone = default_zone()
    monday = week_monday(None, zone)
    start, end = week_bounds(monday, zone)
    # distinct: the teachers join repeats a session once per teacher.
    counts = Session.objects.filter(starts_at__gte=start, starts_at__lt=end).aggregate(
        held=Count("pk", filter=~Q(status=Session.Status.CANCELLED), distinct=True),
        mine=Count("pk", filter=~Q(status=Session.Status.CANCELLED) & Q(teachers=user), distinct=True),
        cancelled=Count("pk", filter=Q(status=Session.Status.CANCELLED), distinct=True),
    )
    url = reverse("timetable:staff-week")
    week = iso_week(monday)
    return Card(
        key="timetable",
        title=f"Timetable, week of {monday.day} {monday:%B}",
        more_url=reverse("timetable:staff-term"),
        more_label="Term overview",
        lines=[
            Line(counts["held"], "session this week", "sessions this week", f"{url}?week={week}"),
            Line(counts["mine"], "that you teach", "that you teach", f"{url}?week={week}&by=staff"),
            Line(counts["cancelled"], "cancelled this week", "cancelled this week", f"{url}?week={week}"),
        ],
    )
