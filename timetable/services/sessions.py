"""Timetable use cases: create, change, move and cancel sessions and weekly series.

A room out of use (see rooms.py) cannot be booked: a new session, a series or
a change of room to it is refused in plain words.

Every write goes through `_book`, which checks for clashes in plain words first
and then writes the session's Booking rows; on PostgreSQL the exclusion
constraint on Booking refuses what the check could not see (someone saving the
same slot at the same moment), and we turn that refusal into the same message.

Other apps add their own resources to a session (the lecturers app books guest
lecturers): `session_create(..., extra_resources=[Resource("guest", g.pk, "Dr X")])`
or `session_add_resources(session=..., resources=[...], by=...)`. Their bookings
move with the session and are kept when its room, staff or cohorts change.

`by` is the user acting, and services check their permission again; work done
for no person (demo data, benchmarks, another app's service that has already
authorised its caller) passes `core.access.SYSTEM`. `by` has no default and
`by=None` is refused.

A person who puts a session on a date outside its offering's term has to say
they meant it (`outside_term_accepted=True`, after the form showed the
warning); without that the service raises OutsideTermError naming the term.
SYSTEM has made that choice itself: the lecturers app books the slot a guest
picked, which staff offered.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F

from core.access import SYSTEM, acting_user, check
from core.links import absolute_url
from curriculum.models import Enrolment

from ..clashes import (
    STANDARD_KINDS,
    ClashError,
    Resource,
    find_clashes,
    outside_term_warning,
    standard_resources,
)
from ..models import Booking, ClosureDate, NonTeachingWeek, Session, SessionSeries
from ..permissions import can_edit_timetable
from ..timezones import aware, local, when_text, zone_for

CANCEL_PURPOSE = "timetable_session_cancelled"

__all__ = [
    "ClashError",
    "OutsideTermError",
    "Resource",
    "feed_token_for",
    "feed_token_revoke",
    "series_cancel",
    "series_create",
    "series_dates",
    "series_move",
    "series_update",
    "session_add_resources",
    "session_cancel",
    "session_create",
    "session_remove_resources",
    "session_update",
]


def _authorise(by):
    check(by, can_edit_timetable, message="Only staff can change the timetable.")


def _check_times(starts_at, ends_at):
    if ends_at <= starts_at:
        raise ValidationError("The session must end after it starts.")


def _check_room_in_use(room):
    if room is not None and not room.is_active:
        raise ValidationError(f"{room.label} is no longer in use: choose another room.")


class OutsideTermError(ValidationError):
    """A person put a session outside its offering's term without accepting the warning; nothing is saved."""


def _check_term(*, offering, days):
    warning = outside_term_warning(offering=offering, days=days)
    if warning:
        raise OutsideTermError(warning)


def _extra_resources(session):
    return [
        Resource(b.resource_kind, b.resource_id, b.resource_label)
        for b in session.bookings.exclude(resource_kind__in=STANDARD_KINDS)
    ]


def _book(session, resources, *, exclude_session_ids=(), new=False):
    """Replace the session's bookings with `resources` at its current time.

    Raises ClashError naming each clash; nothing is written then.
    """
    exclude = {session.pk, *exclude_session_ids}
    unique = list({r.key: r for r in resources}.values())
    clashes = [] if session.is_cancelled else find_clashes(
        resources=unique, starts_at=session.starts_at, ends_at=session.ends_at, exclude_session_ids=exclude
    )
    if clashes:
        raise ClashError(clashes)
    try:
        for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
            try:
                with transaction.atomic():
                    if not new:
                        session.bookings.all().delete()
                    Booking.objects.bulk_create(
                        Booking(
                            session=session, resource_kind=r.kind, resource_id=r.id, resource_label=r.label[:200],
                            starts_at=session.starts_at, ends_at=session.ends_at,
                            is_active=not session.is_cancelled,
                        )
                        for r in unique
                    )
                break
            except OperationalError as error:
                # Two transactions inserting overlapping bookings can deadlock on
                # the exclusion constraint; PostgreSQL aborts one. Try again:
                # the retry waits for the other to commit and then meets the
                # constraint as an IntegrityError, named below.
                if attempt == DEADLOCK_ATTEMPTS or not _is_deadlock(error):
                    raise
    except IntegrityError:
        # Another transaction committed an overlapping booking after our check
        # (PostgreSQL's exclusion constraint). Name it as the check would have.
        raise ClashError(
            find_clashes(resources=unique, starts_at=session.starts_at, ends_at=session.ends_at,
                         exclude_session_ids=exclude)
        ) from None


DEADLOCK_ATTEMPTS = 5


def _is_deadlock(error):
    return getattr(error.__cause__, "sqlstate", None) == "40P01"


def _locked(session):
    return Session.objects.select_for_update(of=("self",)).select_related("offering__module", "room").get(
        pk=session.pk
    )


def offering_zone(offering):
    programme = offering.module.programmes.order_by("order").first()
    return zone_for(programme)


@transaction.atomic
def session_create(
    *,
    offering,
    kind: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room=None,
    online_url: str = "",
    teachers: Sequence = (),
    cohorts: Sequence = (),
    title: str = "",
    expected_attendance: int | None = None,
    is_published: bool = True,
    extra_resources: Iterable[Resource] = (),
    series: SessionSeries | None = None,
    week: int | None = None,
    outside_term_accepted: bool = False,
    by,
) -> Session:
    """Create one session and book its room, staff, cohorts and `extra_resources`.

    Side effects: a Session row and one Booking row per resource. Raises
    ClashError (nothing saved) when any of them is already booked then, and
    OutsideTermError when a person (`by`) puts it outside the offering's term
    without `outside_term_accepted`.
    """
    _authorise(by)
    _check_times(starts_at, ends_at)
    if room is None and not online_url:
        raise ValidationError("Choose a room, or give the link of an online session.")
    _check_room_in_use(room)
    if by is not SYSTEM and not outside_term_accepted:
        _check_term(offering=offering, days=[local(starts_at, offering_zone(offering)).date()])
    session = Session.objects.create(
        offering=offering, kind=kind, starts_at=starts_at, ends_at=ends_at, room=room, online_url=online_url,
        title=title, expected_attendance=expected_attendance, is_published=is_published, series=series,
        week=week, updated_by=acting_user(by),
    )
    if teachers:
        session.teachers.add(*teachers)
    if cohorts:
        session.cohorts.add(*cohorts)
    resources = standard_resources(offering=offering, room=room, teachers=teachers, cohorts=cohorts)
    _book(session, [*resources, *extra_resources], new=True)
    return session


EDITABLE = ("kind", "title", "starts_at", "ends_at", "room", "online_url", "expected_attendance", "is_published")


def _apply_update(session, *, by, exclude_session_ids=(), teachers=None, cohorts=None, **changes):
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"session_update() cannot change {sorted(unknown)}")
    if session.is_cancelled:
        raise ValidationError("This session is cancelled; it can no longer be changed.")
    moved = any(k in changes and changes[k] != getattr(session, k) for k in ("starts_at", "ends_at", "room"))
    if changes.get("room") is not None and changes["room"].pk != session.room_id:
        _check_room_in_use(changes["room"])
    for field, value in changes.items():
        setattr(session, field, value)
    _check_times(session.starts_at, session.ends_at)
    if session.room_id is None and not session.online_url:
        raise ValidationError("Choose a room, or give the link of an online session.")
    if moved and session.status == Session.Status.SCHEDULED:
        session.status = Session.Status.MOVED
    session.sequence = F("sequence") + 1
    session.updated_by = acting_user(by)
    session.save()
    session.refresh_from_db(fields=["sequence"])
    if teachers is not None:
        session.teachers.set(teachers)
    if cohorts is not None:
        session.cohorts.set(cohorts)
    teachers = list(session.teachers.all()) if teachers is None else teachers
    cohorts = list(session.cohorts.all()) if cohorts is None else cohorts
    resources = standard_resources(offering=session.offering, room=session.room, teachers=teachers, cohorts=cohorts)
    _book(session, [*resources, *_extra_resources(session)], exclude_session_ids=exclude_session_ids)
    return session


@transaction.atomic
def session_update(*, session: Session, by, teachers=None, cohorts=None, outside_term_accepted: bool = False,
                   **changes) -> Session:
    """Change one session (any of EDITABLE, `teachers`, `cohorts`).

    Side effects: the row is locked and saved with SEQUENCE + 1 (calendar apps
    then replace their copy); a change of time or room marks it "moved"; its
    bookings are rewritten, keeping other apps' resources. Raises ClashError,
    and OutsideTermError when a person moves it to a day outside the
    offering's term without `outside_term_accepted` (nothing changes then).
    """
    _authorise(by)
    session = _locked(session)
    if by is not SYSTEM and not outside_term_accepted and "starts_at" in changes:
        zone = offering_zone(session.offering)
        day = local(changes["starts_at"], zone).date()
        if day != local(session.starts_at, zone).date():
            _check_term(offering=session.offering, days=[day])
    return _apply_update(session, by=by, teachers=teachers, cohorts=cohorts, **changes)


@transaction.atomic
def session_add_resources(*, session: Session, resources: Iterable[Resource], by) -> Session:
    """Book more resources (e.g. a guest lecturer) for an existing session.

    Side effects: Booking rows for `resources`, SEQUENCE + 1. Raises ClashError.
    """
    _authorise(by)
    session = Session.objects.select_for_update(of=("self",)).get(pk=session.pk)
    current = [Resource(b.resource_kind, b.resource_id, b.resource_label) for b in session.bookings.all()]
    _book(session, [*current, *resources])
    Session.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
    return session


@transaction.atomic
def session_remove_resources(*, session: Session, kind: str, ids: Iterable[int] | None = None, by) -> int:
    """Release bookings of one kind another app added (all, or only `ids`). Returns how many."""
    _authorise(by)
    if kind in STANDARD_KINDS:
        raise ValueError("Change the room, staff or cohorts through session_update.")
    bookings = Booking.objects.filter(session=session, resource_kind=kind)
    if ids is not None:
        bookings = bookings.filter(resource_id__in=list(ids))
    count, _ = bookings.delete()
    if count:
        Session.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1)
    return count


def cancel_recipients(session):
    students = [
        e.student for e in Enrolment.objects.filter(
            cohort__in=session.cohorts.all(), status=Enrolment.Status.ACTIVE
        ).select_related("student")
    ]
    people = {u.pk: u for u in [*students, *session.teachers.all()] if u.is_active}
    return sorted(people.values(), key=lambda u: u.pk)


@transaction.atomic
def session_cancel(*, session: Session, reason: str, by, notify: bool = True) -> Session:
    """Cancel a session, giving the reason.

    Side effects: status "cancelled" with the reason, SEQUENCE + 1 (feeds send
    STATUS:CANCELLED), its bookings released (the slot is free again), and one
    email per affected person (active students of its cohorts and its staff)
    queued through notifications.queue_email in this transaction.
    """
    _authorise(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the session is cancelled: students will read it.")
    session = _locked(session)
    if session.is_cancelled:
        return session
    session.status = Session.Status.CANCELLED
    session.cancel_reason = reason
    session.sequence = F("sequence") + 1
    session.updated_by = acting_user(by)
    session.save()
    session.refresh_from_db(fields=["sequence"])
    session.bookings.update(is_active=False)
    if notify:
        _queue_cancel_notices(session)
    return session


def _queue_cancel_notices(session):
    from notifications.services import queue_email

    zone = offering_zone(session.offering)
    when = f"{when_text(session, zone)} ({zone.key})"
    link = absolute_url("timetable:week", query={"module": session.offering.module.slug})
    for person in cancel_recipients(session):
        queue_email(
            purpose=CANCEL_PURPOSE,
            to=[person],
            context={
                "name": person.get_short_name(),
                "session": f"{session.name}{': ' + session.title if session.title else ''}",
                "module": str(session.offering.module),
                "when": when,
                "where": session.where,
                "reason": session.cancel_reason,
                "link": link,
            },
            idempotency_key=f"timetable-cancel-{session.uid}-{person.pk}",
            subject_objects=[session],
        )


# Weekly series ------------------------------------------------------------------


def term_monday(term):
    """Monday of teaching week 1 (Term.starts_on should be one; tolerate a mid-week start)."""
    return term.starts_on - datetime.timedelta(days=term.starts_on.weekday())


def series_dates(*, term, weekday: int, first_week: int, last_week: int):
    """[(week, date)] of a weekly pattern in a term, without non-teaching weeks and closure dates.

    Week 1 is the week starting on Term.starts_on.
    """
    skipped = set(NonTeachingWeek.objects.filter(term=term).values_list("week", flat=True))
    first = term_monday(term) + datetime.timedelta(days=weekday)
    dates = [(w, first + datetime.timedelta(weeks=w - 1)) for w in range(first_week, last_week + 1) if w not in skipped]
    closed = set(ClosureDate.objects.filter(date__in=[d for _, d in dates]).values_list("date", flat=True))
    return [(w, d) for w, d in dates if d not in closed]


@transaction.atomic
def series_create(
    *,
    offering,
    kind: str,
    weekday: int,
    start_time: datetime.time,
    end_time: datetime.time,
    first_week: int,
    last_week: int,
    room=None,
    online_url: str = "",
    teachers: Sequence = (),
    cohorts: Sequence = (),
    title: str = "",
    expected_attendance: int | None = None,
    is_published: bool = True,
    extra_resources: Iterable[Resource] = (),
    outside_term_accepted: bool = False,
    by,
) -> SessionSeries:
    """Create a weekly series and all its sessions at once.

    Side effects: a SessionSeries and a Session (with bookings) for each
    teaching week in first_week..last_week, skipping non-teaching weeks and
    closure dates. Raises ClashError listing every week that clashes, and
    OutsideTermError listing the dates after the term's end when a person
    has not accepted them; then nothing is saved.
    """
    _authorise(by)
    if end_time <= start_time:
        raise ValidationError("The session must end after it starts.")
    _check_room_in_use(room)
    if last_week < first_week:
        raise ValidationError("The last week must not come before the first.")
    series = SessionSeries.objects.create(
        offering=offering, kind=kind, title=title, weekday=weekday, start_time=start_time, end_time=end_time,
        first_week=first_week, last_week=last_week, created_by=acting_user(by),
    )
    zone = offering_zone(offering)
    teachers, cohorts, extra = list(teachers), list(cohorts), list(extra_resources)
    dates = series_dates(term=offering.term, weekday=weekday, first_week=first_week, last_week=last_week)
    if not dates:
        raise ValidationError("Those weeks have no teaching days: they are all reading weeks or closure dates.")
    if by is not SYSTEM and not outside_term_accepted:
        _check_term(offering=offering, days=[day for _week, day in dates])
    resources = [*standard_resources(offering=offering, room=room, teachers=teachers, cohorts=cohorts), *extra]
    clashes = []
    for _week, day in dates:
        found = find_clashes(resources=resources, starts_at=aware(day, start_time, zone),
                             ends_at=aware(day, end_time, zone))
        clashes += found
    if clashes:
        raise ClashError(clashes)
    for week, day in dates:
        session_create(
            offering=offering, kind=kind, starts_at=aware(day, start_time, zone), ends_at=aware(day, end_time, zone),
            room=room, online_url=online_url, teachers=teachers, cohorts=cohorts, title=title,
            expected_attendance=expected_attendance, is_published=is_published, extra_resources=extra,
            series=series, week=week, outside_term_accepted=True, by=by,
        )
    return series


def _series_sessions(series, from_week):
    sessions = (
        Session.objects.select_for_update(of=("self",))
        .filter(series=series)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("offering__module", "offering__term", "room")
    )
    if from_week is not None:
        sessions = sessions.filter(week__gte=from_week)
    return list(sessions.order_by("starts_at"))


@transaction.atomic
def series_update(
    *,
    series: SessionSeries,
    from_week: int,
    by,
    weekday: int | None = None,
    start_time: datetime.time | None = None,
    end_time: datetime.time | None = None,
    teachers=None,
    cohorts=None,
    **changes,
) -> list[Session]:
    """Change every remaining session of a series from `from_week` on.

    `changes` are session fields (room, kind, title, online_url, …);
    weekday/start_time/end_time re-time each session within its own week.
    Side effects: as session_update for each session; the series keeps the new
    pattern. Raises ClashError naming every clash; then nothing changes.
    """
    _authorise(by)
    series = SessionSeries.objects.select_for_update(of=("self",)).select_related("offering__term").get(pk=series.pk)
    sessions = _series_sessions(series, from_week)
    zone = offering_zone(series.offering)
    weekday = series.weekday if weekday is None else weekday
    start_time = start_time or series.start_time
    end_time = end_time or series.end_time
    if end_time <= start_time:
        raise ValidationError("The session must end after it starts.")
    own = {s.pk for s in sessions}
    clashes = []
    for session in sessions:
        day = local(session.starts_at, zone).date()
        day += datetime.timedelta(days=weekday - day.weekday())
        try:
            _apply_update(
                session, by=by, exclude_session_ids=own, teachers=teachers, cohorts=cohorts,
                starts_at=aware(day, start_time, zone), ends_at=aware(day, end_time, zone), **changes,
            )
        except ClashError as error:
            clashes += error.clashes
    if clashes:
        transaction.set_rollback(True)
        raise ClashError(clashes)
    for field, value in {"weekday": weekday, "start_time": start_time, "end_time": end_time,
                         **{k: v for k, v in changes.items() if k in ("kind", "title")}}.items():
        setattr(series, field, value)
    series.save()
    return sessions


@transaction.atomic
def series_move(*, series: SessionSeries, weeks: int = 1, from_week: int | None = None, by) -> list[Session]:
    """Move a series' remaining sessions (from `from_week` on) by whole weeks.

    Side effects: each session moves by 7 days per week (wall-clock time kept
    across a clock change), its week number with it, and is marked "moved"
    with SEQUENCE + 1. Raises ClashError naming every clash; nothing moves then.
    """
    _authorise(by)
    if not weeks:
        return []
    series = SessionSeries.objects.select_for_update(of=("self",)).get(pk=series.pk)
    sessions = _series_sessions(series, from_week)
    zone = offering_zone(series.offering)
    own = {s.pk for s in sessions}
    # Move the last first when moving later (and the first first when earlier), so
    # no session is ever put on top of a sibling that has not moved yet.
    sessions.sort(key=lambda s: s.starts_at, reverse=weeks > 0)
    clashes = []
    for session in sessions:
        start, end = local(session.starts_at, zone), local(session.ends_at, zone)
        shift = datetime.timedelta(weeks=weeks)
        try:
            _apply_update(
                session, by=by, exclude_session_ids=own,
                starts_at=aware(start.date() + shift, start.time(), zone),
                ends_at=aware(end.date() + shift, end.time(), zone),
            )
        except ClashError as error:
            clashes += error.clashes
            continue
        if session.week is not None:
            Session.objects.filter(pk=session.pk).update(week=session.week + weeks)
            session.week += weeks
    if clashes:
        transaction.set_rollback(True)
        raise ClashError(clashes)
    if from_week is None or from_week <= series.first_week:
        series.first_week = max(1, series.first_week + weeks)
    series.last_week = max(series.first_week, series.last_week + weeks)
    series.save(update_fields=["first_week", "last_week"])
    return sorted(sessions, key=lambda s: s.starts_at)


@transaction.atomic
def series_cancel(*, series: SessionSeries, reason: str, from_week: int | None = None, by) -> int:
    """Cancel every remaining session of a series from `from_week` on (see session_cancel)."""
    _authorise(by)
    sessions = _series_sessions(series, from_week)
    for session in sessions:
        session_cancel(session=session, reason=reason, by=by)
    return len(sessions)


# Personal calendar feeds ---------------------------------------------------------


def feed_token_for(*, user):
    """The user's personal feed secret, created on first use."""
    from ..models import FeedToken

    token, _ = FeedToken.objects.get_or_create(user=user)
    return token


@transaction.atomic
def feed_token_revoke(*, user):
    """Replace the secret: the old feed URL stops working at once. Returns the new token."""
    from ..models import FeedToken, new_feed_token

    token, created = FeedToken.objects.select_for_update(of=("self",)).get_or_create(user=user)
    if not created:
        token.token = new_feed_token()
        token.save(update_fields=["token", "created_at"])
    return token
