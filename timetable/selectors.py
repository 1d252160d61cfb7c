"""Reads the timetable pages need, with their related rows fetched in a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from curriculum.models import Cohort, ModuleOffering, Programme

from .models import Room, Session
from .timezones import local, week_bounds


def sessions_between(start, end, *, public=True, programme=None, module=None, room=None, cohort=None,
                     teacher=None, offering=None, include_cancelled=True):
    sessions = Session.objects.between(start, end).for_listing()
    if public:
        sessions = sessions.public()
    if not include_cancelled:
        sessions = sessions.active()
    if programme is not None:
        sessions = sessions.filter(offering__module__placements__programme=programme)
    if module is not None:
        sessions = sessions.filter(offering__module=module)
    if offering is not None:
        sessions = sessions.filter(offering=offering)
    if room is not None:
        sessions = sessions.filter(room=room)
    if cohort is not None:
        sessions = sessions.filter(cohorts=cohort)
    if teacher is not None:
        sessions = sessions.filter(teachers=teacher)
    if programme is not None or cohort is not None or teacher is not None:
        sessions = sessions.distinct()
    return sessions.order_by("starts_at", "pk")


@dataclass
class Day:
    date: datetime.date
    sessions: list = field(default_factory=list)


def week_days(sessions, monday, zone, *, weekend=None):
    """Sessions grouped into days Monday..Friday (and the weekend when anything falls on it)."""
    days = {monday + datetime.timedelta(days=i): Day(monday + datetime.timedelta(days=i)) for i in range(7)}
    for session in sessions:
        day = local(session.starts_at, zone).date()
        if day in days:
            days[day].sessions.append(session)
    if weekend is None:
        weekend = any(days[d].sessions for d in list(days)[5:])
    return list(days.values())[: 7 if weekend else 5]


@dataclass
class GridRow:
    key: object
    label: str
    cells: list


GROUPINGS = {"room": "Room", "cohort": "Cohort", "staff": "Member of staff"}


def week_grid(sessions, monday, zone, *, by, rooms=()):
    """Rows (one per room / cohort / member of staff) by days, each cell the sessions of that day."""
    days = week_days(sessions, monday, zone, weekend=False)
    n = len(days)
    rows = {}

    def row_for(key, label):
        if key not in rows:
            rows[key] = GridRow(key, label, [Day(d.date) for d in days])
        return rows[key]

    for room in rooms:  # every bookable room gets a row, so staff can add into an empty one
        row_for(room.pk, room.name)
    for session in sessions:
        index = (local(session.starts_at, zone).date() - monday).days
        if index >= n:
            continue
        if by == "room":
            keys = [(session.room_id or 0, session.room.name if session.room_id else "Online")]
        elif by == "cohort":
            keys = [(c.pk, c.name) for c in session.cohorts.all()] or [(0, "No cohort")]
        else:
            keys = [(t.pk, t.full_name or t.email) for t in session.teachers.all()] or [(0, "No staff")]
        for key, label in keys:
            row_for(key, label).cells[index].sessions.append(session)
    return days, sorted(rows.values(), key=lambda r: (r.key == 0, r.label))


def filter_choices():
    """Options for the public filters: programmes, offerings' modules, rooms."""
    return {
        "programmes": list(Programme.objects.published().only("pk", "slug", "title", "timezone")),
        "rooms": list(Room.objects.filter(is_active=True).only("pk", "slug", "name")),
    }


def upcoming_for_offering(offering, *, limit=5, now=None):
    now = now or timezone.now()
    return list(
        Session.objects.public().filter(offering=offering, ends_at__gte=now).for_listing().order_by("starts_at")[:limit]
    )


def term_overview(term):
    """For each offering of the term: sessions per teaching week (and cancelled ones)."""
    offerings = list(
        ModuleOffering.objects.filter(term=term).select_related("module").order_by("module__code")
    )
    weeks = max(1, ((term.ends_on - term.starts_on).days + 6) // 7)
    counts = defaultdict(lambda: [[0, 0] for _ in range(weeks)])
    sessions = Session.objects.filter(offering__term=term).only("offering_id", "starts_at", "status", "week")
    for s in sessions:
        week = s.week or ((timezone.localtime(s.starts_at).date() - term.starts_on).days // 7 + 1)
        if 1 <= week <= weeks:
            counts[s.offering_id][week - 1][1 if s.status == Session.Status.CANCELLED else 0] += 1
    return list(range(1, weeks + 1)), [(o, counts[o.pk]) for o in offerings]


def cohorts_with_programme():
    return Cohort.objects.select_related("programme", "academic_year")


def offerings_for_choice():
    return ModuleOffering.objects.select_related("module", "term__academic_year").order_by(
        "-academic_year__starts_on", "module__code"
    )


def session_for_detail(uid):
    return Session.objects.for_listing().prefetch_related(
        Prefetch("offering__module__programmes")
    ).get(uid=uid)


def week_range(monday, zone):
    return week_bounds(monday, zone)
