"""Reads the timetable pages need, with their related rows fetched in a fixed number of queries."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape

from django.db import connection
from django.db.models import CharField, F, Lookup, Prefetch
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.safestring import mark_safe

from curriculum.models import Module, ModuleOffering, Programme

from .cards import day_grid_html, day_list_html
from .models import Room, Session


def sessions_between(start, end, *, public=True, programme=None, module=None, room=None, cohort=None,
                     teacher=None, offering=None, include_cancelled=True):
    sessions = Session.objects.between(start, end)
    if public:
        sessions = sessions.public()
    if not include_cancelled:
        sessions = sessions.active()
    wanted = {
        "offering__module__placements__programme": programme, "offering__module": module, "offering": offering,
        "room": room, "cohorts": cohort, "teachers": teacher,
    }
    sessions = sessions.filter(**{lookup: value for lookup, value in wanted.items() if value is not None})
    # A programme, cohort or teacher is reached through a many-valued relation, which can repeat a session.
    if programme is not None or cohort is not None or teacher is not None:
        sessions = sessions.distinct()
    return sessions.order_by("starts_at", "pk")


@dataclass(slots=True)
class WeekSession:
    """A session as the week pages need it: plain values, no model instances.

    A week of 500 sessions built as model instances (with module, room and
    staff objects) spent most of its time in Model.__init__; these rows cost a
    fraction of that and carry everything a card shows.
    """

    pk: int
    uid: str  # as text: "8c8e…-…", what the session's URL needs
    kind: str
    title: str
    starts_at: object
    ends_at: object
    status: str
    cancel_reason: str
    is_published: bool
    series_id: int | None
    room_id: int | None
    room_name: str
    module_code: str
    module_title: str
    teachers: list = field(default_factory=list)
    cohorts: list = field(default_factory=list)
    card: str = ""

    @property
    def is_cancelled(self):
        return self.status == Session.Status.CANCELLED

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def where(self):
        if not self.room_id:
            return "Online"
        return self.room_name if " " in self.room_name.strip() else f"Room {self.room_name}"


KIND_LABELS = dict(Session._meta.get_field("kind").choices)
# uid, starts_at and ends_at are read as text (see week_rows).
WEEK_FIELDS = ("pk", "uid_text", "kind", "title", "starts_text", "ends_text", "status", "cancel_reason",
               "is_published", "series_id", "room_id", "room__name", "offering__module__code",
               "offering__module__title")


def _as_text(name):
    return Cast(name, output_field=CharField())


def _moments():
    """Text from the database -> aware datetime, each distinct value parsed once.

    PostgreSQL writes a timestamptz as "2027-02-02 10:00:00+00" (Django sets
    the connection's zone to UTC); SQLite stores "2027-02-02 10:00:00" in UTC.
    """
    parsed = {}

    def moment(text):
        value = parsed.get(text)
        if value is None:
            value = datetime.datetime.fromisoformat(text)
            if value.tzinfo is None:
                value = value.replace(tzinfo=datetime.UTC)
            parsed[text] = value
        return value

    return moment


def _uuid_text(text):
    """SQLite keeps a UUID as 32 hex digits; PostgreSQL's text already has the dashes."""
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


class _AnyOf(Lookup):
    """`column = ANY(%s)`: a list of ids bound as one PostgreSQL array parameter.

    `column IN (%s, %s, …)` with 500 ids costs the driver and the database a
    parameter each to bind and parse; a subquery repeating the sessions' filter
    instead lets PostgreSQL misjudge how many rows it returns and scan the whole
    link table. One array keeps the index lookup and costs one parameter.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]


def _with_session_ids(links, ids):
    if connection.vendor == "postgresql":
        return links.filter(_AnyOf(F("session_id"), ids))
    return links.filter(session_id__in=ids)


def week_rows(sessions, *, with_cohorts=False):
    """WeekSession rows for a Session queryset: two queries (three with cohorts).

    The uid and the times are read as text: turning 500 UUIDs and 1,000
    timestamps into Python objects row by row cost more than everything else
    the query does, while a week has only a few dozen distinct times, so each
    is parsed once here.
    """
    moment = _moments()
    values = sessions.order_by("starts_at", "pk").annotate(
        uid_text=_as_text("uid"), starts_text=_as_text("starts_at"), ends_text=_as_text("ends_at"),
    ).values_list(*WEEK_FIELDS)
    rows = [WeekSession(pk, _uuid_text(uid), kind, title, moment(starts), moment(ends), status, reason, published,
                        series_id, room_id, room_name or "", code, module_title)
            for (pk, uid, kind, title, starts, ends, status, reason, published, series_id, room_id, room_name,
                 code, module_title) in values]
    if rows:
        by_pk = {row.pk: row for row in rows}
        ids = list(by_pk)
        links = _with_session_ids(Session.teachers.through.objects.all(), ids).order_by("user__full_name", "pk")
        for session_id, user_id, name in links.values_list("session_id", "user_id", "user__full_name"):
            by_pk[session_id].teachers.append((user_id, name))
        if with_cohorts:
            links = _with_session_ids(Session.cohorts.through.objects.all(), ids).order_by("cohort__name", "pk")
            for session_id, cohort_id, name in links.values_list("session_id", "cohort_id", "cohort__name"):
                by_pk[session_id].cohorts.append((cohort_id, name))
    return rows


def _local_dates(zone):
    """A function from a UTC datetime to its date in `zone`, converting each distinct moment once."""
    dates = {}

    def local_date(moment):
        date = dates.get(moment)
        if date is None:
            date = dates[moment] = moment.astimezone(zone).date()
        return date

    return local_date


@dataclass
class Day:
    date: datetime.date
    sessions: list = field(default_factory=list)

    @property
    def list_html(self):
        return day_list_html(self.sessions)

    @property
    def grid_html(self):
        return day_grid_html(self.sessions)


def week_days(sessions, monday, zone, *, weekend=None):
    """Sessions grouped into days Monday..Friday (and the weekend when anything falls on it)."""
    days = {monday + datetime.timedelta(days=i): Day(monday + datetime.timedelta(days=i)) for i in range(7)}
    local_date = _local_dates(zone)
    for session in sessions:
        day = days.get(local_date(session.starts_at))
        if day is not None:
            day.sessions.append(session)
    if weekend is None:
        weekend = any(days[d].sessions for d in list(days)[5:])
    return list(days.values())[: 7 if weekend else 5]


@dataclass
class GridRow:
    key: object
    label: str
    cells: list
    cells_html: str = ""


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
    local_date = _local_dates(zone)
    for session in sessions:
        index = (local_date(session.starts_at) - monday).days
        if index >= n:
            continue
        if by == "room":
            keys = [(session.room_id or 0, session.room_name if session.room_id else "Online")]
        elif by == "cohort":
            keys = session.cohorts or [(0, "No cohort")]
        else:
            keys = session.teachers or [(0, "No staff")]
        for key, label in keys:
            row_for(key, label).cells[index].sessions.append(session)
    return days, sorted(rows.values(), key=lambda r: (r.key == 0, r.label))


def public_filter_options(params):
    """The public filters as plain option lists (three queries).

    The options are built here as HTML rather than with Django's Select
    widget, whose per-option templates cost more than the rest of a
    500-session week, or a template loop (three nodes per option).
    """
    def field(name, label, everything, rows):
        chosen = params.get(name, "")
        options = [f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(text)}</option>'
                   for value, text in rows]
        # Safe: every value and label is escaped above.
        return {"name": name, "id": f"id_{name}", "label": label, "everything": everything,
                "options_html": mark_safe("".join(options))}

    modules = Module.objects.published().order_by("code").values_list("slug", "code", "title")
    return [
        field("programme", "Programme", "All programmes",
              Programme.objects.published().order_by("order", "title").values_list("slug", "title")),
        field("module", "Module", "All modules", [(slug, f"{code} {title}") for slug, code, title in modules]),
        field("room", "Room", "All rooms", Room.objects.filter(is_active=True).values_list("slug", "name")),
    ]


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


def session_for_detail(uid):
    return Session.objects.for_listing().prefetch_related(
        Prefetch("offering__module__programmes")
    ).get(uid=uid)


# Rooms ---------------------------------------------------------------------------

ROOM_STATUSES = {"active": {"is_active": True}, "inactive": {"is_active": False}, "all": {}}


def rooms_for_list(status="active"):
    """Rooms for the staff list, by name, filtered by "active", "inactive" or "all"."""
    return Room.objects.filter(**ROOM_STATUSES.get(status, ROOM_STATUSES["active"])).order_by("name")


def room_future_sessions(room, *, now=None):
    """The room's sessions that have not ended and are not cancelled, soonest first."""
    now = now or timezone.now()
    return list(
        Session.objects.active().filter(room=room, ends_at__gt=now)
        .select_related("offering__module", "offering__term").order_by("starts_at", "pk")
    )
