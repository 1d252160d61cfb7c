"""What a session occupies, what it would clash with, and what deserves a warning.

A clash blocks saving; a warning does not (the form asks "save anyway?"). A
date outside the offering's term is a warning the services also enforce: they
refuse it unless told that the person saw it and chose to save anyway.
Other apps describe what they add to a session as a `Resource`:

    Resource(kind="guest", id=guest.pk, label="Dr Amara Chen")
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q

from curriculum.models import Enrolment, ProgrammeModule

from .models import Booking, ClosureDate, Session
from .timezones import DASH, local, when_text

ROOM = "room"
STAFF = "staff"
COHORT = "cohort"
# Kinds derived from a session's own fields; any other kind (e.g. "guest") belongs
# to the app that added it and is kept when the session's fields change.
STANDARD_KINDS = (ROOM, STAFF, COHORT)


@dataclass(frozen=True)
class Resource:
    kind: str
    id: int
    label: str

    @property
    def key(self):
        return (self.kind, self.id)


@dataclass(frozen=True)
class Clash:
    resource: Resource
    other: Session

    @property
    def message(self):
        return f"{self.resource.label} is already booked for {self.other.name}, {when_text(self.other)}"


class ClashError(ValidationError):
    """The session would double-book something. `.clashes` names each one."""

    def __init__(self, clashes, *, prefix=""):
        self.clashes = list(clashes)
        super().__init__([f"{prefix}{clash.message}" for clash in self.clashes] or
                         ["Someone booked the same time a moment ago. Reload the page and try again."])


def cohort_label(cohort):
    return f"the {cohort.name} cohort"


def optional_cohort_ids(offering, cohorts):
    """Cohorts for whom this offering's module is optional (they are not booked: only some attend)."""
    if not cohorts:
        return set()
    programme_ids = {c.programme_id: c.pk for c in cohorts}
    optional_programmes = set(
        ProgrammeModule.objects.filter(
            module_id=offering.module_id, programme_id__in=programme_ids, kind=ProgrammeModule.Kind.OPTIONAL
        ).values_list("programme_id", flat=True)
    )
    return {c.pk for c in cohorts if c.programme_id in optional_programmes}


def standard_resources(*, offering, room, teachers, cohorts):
    resources = []
    if room is not None:
        resources.append(Resource(ROOM, room.pk, room.label))
    resources += [Resource(STAFF, t.pk, t.full_name or t.email) for t in teachers]
    optional = optional_cohort_ids(offering, cohorts)
    resources += [Resource(COHORT, c.pk, cohort_label(c)) for c in cohorts if c.pk not in optional]
    return resources


def find_clashes(*, resources, starts_at, ends_at, exclude_session_ids=()):
    """Active bookings of any of `resources` overlapping [starts_at, ends_at), as Clash objects."""
    if not resources:
        return []
    by_key = {r.key: r for r in resources}
    wanted = Q()
    for kind, pk in by_key:
        wanted |= Q(resource_kind=kind, resource_id=pk)
    bookings = (
        Booking.objects.filter(wanted, is_active=True, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(session_id__in=list(exclude_session_ids))
        .select_related("session__offering__module")
        .order_by("starts_at", "resource_kind", "resource_id")
    )
    return [Clash(by_key[(b.resource_kind, b.resource_id)], b.session) for b in bookings]


def expected_attendance(*, explicit, cohorts):
    if explicit:
        return explicit
    if not cohorts:
        return 0
    return Enrolment.objects.filter(cohort__in=cohorts, status=Enrolment.Status.ACTIVE).count()


def find_warnings(*, offering, starts_at, ends_at, room, cohorts, attendance=None, exclude_session_ids=()):
    """Plain-words reasons to look twice; none of them blocks saving."""
    warnings = []
    closed = ClosureDate.objects.filter(date=local(starts_at).date()).first()
    if closed is not None:
        warnings.append(f"The university is closed on {day_text(closed.date)} ({closed.label}).")
    expected = expected_attendance(explicit=attendance, cohorts=cohorts)
    if room is not None and expected > room.capacity:
        warnings.append(f"{room.label} seats {room.capacity}, fewer than the {expected} people expected.")
    day_start, day_end = getattr(settings, "TIMETABLE_TEACHING_HOURS", (9, 18))
    start, end = local(starts_at), local(ends_at)
    if start.weekday() >= 5:
        warnings.append(f"{start:%A} is outside teaching days (Monday to Friday).")
    elif start.time() < datetime.time(day_start) or end.time() > datetime.time(day_end) or end.date() != start.date():
        warnings.append(f"The session runs outside teaching hours ({day_start:02d}:00{DASH}{day_end:02d}:00).")
    optional = optional_cohort_ids(offering, cohorts)
    if optional:
        others = (
            Session.objects.active()
            .between(starts_at, ends_at)
            .filter(cohorts__in=optional)
            .exclude(pk__in=list(exclude_session_ids))
            .exclude(offering=offering)
            .select_related("offering__module")
            .distinct()
        )
        optional_modules = set(
            ProgrammeModule.objects.filter(
                programme__cohorts__in=optional, kind=ProgrammeModule.Kind.OPTIONAL
            ).values_list("module_id", flat=True)
        )
        for other in others:
            if other.offering.module_id in optional_modules:
                warnings.append(
                    f"It overlaps {other.name}, {when_text(other)}, another optional module "
                    "for the same cohort: students taking both could not attend both."
                )
    return warnings


def day_text(day):
    """“Tuesday 15 December 2026”."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def term_span_text(term):
    """“28 September to 11 December 2026”; both years when the term spans a new year."""
    first, last = term.starts_on, term.ends_on
    start = f"{first.day} {first:%B}" if first.year == last.year else f"{first.day} {first:%B %Y}"
    return f"{start} to {last.day} {last:%B %Y}"


def outside_term_warning(*, offering, days):
    """The warning for those of `days` (local dates) outside the offering's term, or "" when none is.

    Sessions outside the term are usually a typo in the date or the wrong
    offering (last year's, or another term's), so the person is asked once.
    """
    term = offering.term
    # Teaching week 1 is the whole week of starts_on (see services.term_monday).
    first = term.starts_on - datetime.timedelta(days=term.starts_on.weekday())
    outside = sorted({day for day in days if day < first or day > term.ends_on})
    if not outside:
        return ""
    where = f"{term} ({term_span_text(term)}), the term this offering runs in"
    if len(outside) == 1 and len(set(days)) == 1:
        return f"This date, {day_text(outside[0])}, is outside {where}."
    listed = ", ".join(day_text(day) for day in outside)
    count = "1 date" if len(outside) == 1 else f"{len(outside)} dates"
    return f"{count} of the series {'is' if len(outside) == 1 else 'are'} outside {where}: {listed}."
