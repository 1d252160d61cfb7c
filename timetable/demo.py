"""Demo timetable: rooms, a full autumn term for the demo modules, guest-lecture slots, a cancellation.

Only `manage.py seed_demo` calls this. It builds on whatever the curriculum
demo created (it looks offerings up, it does not assume them) and is idempotent:
rooms are found by slug, and an offering that already has a series is left alone.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.access import SYSTEM
from curriculum.models import AcademicYear, Cohort, ModuleOffering, ProgrammeModule, Season

from . import services
from .clashes import ClashError
from .models import ClosureDate, NonTeachingWeek, Room, Session, SessionKind
from .timezones import aware

ROOMS = [
    # name, slug, building, capacity, accessibility, equipment
    ("Lecture Theatre 1", "lt1", "Bush House", 120, "Step-free entrance from the Strand; hearing loop; "
     "wheelchair spaces in the front row.", "Projector, lecture capture, two radio microphones."),
    ("B12", "b12", "Bush House", 40, "Step-free via the lift by reception; hearing loop.",
     "Projector, whiteboards on three walls, movable tables."),
    ("B14", "b14", "Bush House", 24, "Step-free via the lift by reception.", "Screen, whiteboard, movable tables."),
    ("S2.08", "s2-08", "Strand Building", 30, "Lift to level 2; adjustable-height desks at the front.",
     "30 Linux workstations, projector."),
    ("K0.16", "k0-16", "King's Building", 18, "Ground floor, step-free; accessible toilet opposite.",
     "Round tables, large screen for design critiques."),
]

# Out of use, so the room list's filter and a room's history have something to show.
INACTIVE_ROOMS = [
    ("B09", "b09", "Bush House", 16, "Stairs only: no step-free access.", "Whiteboard."),
]

GUEST_SLOTS = [
    # week, title
    (4, "Guest lecture: a former permanent secretary on how decisions are really made"),
    (7, "Guest lecture: a local authority's data protection officer on privacy by design"),
    (9, "Guest lecture: a behavioural scientist on evidence, nudges and their limits"),
]

SLOTS = [(datetime.time(10), datetime.time(12)), (datetime.time(14), datetime.time(16))]


def _current_year():
    today = timezone.localdate()
    return (
        AcademicYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
        or AcademicYear.objects.filter(starts_on__gt=today).order_by("starts_on").first()
        or AcademicYear.objects.order_by("-starts_on").first()
    )


def _cohorts_for(offering):
    programmes = ProgrammeModule.objects.filter(module=offering.module).values("programme")
    return list(Cohort.objects.filter(academic_year=offering.academic_year, programme__in=programmes))


@transaction.atomic
def seed_demo_timetable(*, stdout):
    rooms = {}
    for name, slug, building, capacity, access, equipment in ROOMS:
        rooms[slug], _ = Room.objects.get_or_create(slug=slug, defaults={
            "name": name, "building": building, "capacity": capacity, "accessibility_notes": access,
            "equipment_notes": equipment,
        })
    for name, slug, building, capacity, access, equipment in INACTIVE_ROOMS:
        Room.objects.get_or_create(slug=slug, defaults={
            "name": name, "building": building, "capacity": capacity, "accessibility_notes": access,
            "equipment_notes": equipment, "is_active": False,
        })
    year = _current_year()
    if year is None:
        stdout.write("  timetable: no academic year yet, so only rooms were added")
        return
    autumn = year.terms.filter(season=Season.AUTUMN).first()
    for term in year.terms.exclude(season=Season.SUMMER):
        NonTeachingWeek.objects.get_or_create(term=term, week=6, defaults={"label": "Reading week"})
    spring = year.terms.filter(season=Season.SPRING).first()
    if spring is not None:
        ClosureDate.objects.get_or_create(
            date=services.term_monday(spring) + datetime.timedelta(weeks=2, days=2),
            defaults={"label": "University closed: staff development day"},
        )
    if autumn is None:
        return
    fallback = User.objects.filter(email="staff@example.org").first()
    offerings = list(ModuleOffering.objects.filter(term=autumn).select_related("module", "leader", "term")
                     .order_by("module__code"))
    made = 0
    for index, offering in enumerate(offerings):
        if offering.series.exists():
            continue
        teacher = offering.leader or offering.module.leader or fallback
        teachers = [teacher] if teacher else []
        cohorts = _cohorts_for(offering)
        lecture_day, seminar_day = index % 5, (index + 1) % 5
        start, end = SLOTS[(index // 5) % 2]
        plans = [
            (SessionKind.LECTURE, lecture_day, start, end, rooms["lt1"]),
            (SessionKind.SEMINAR, seminar_day, SLOTS[1][0], SLOTS[1][1],
             [rooms["b12"], rooms["b14"], rooms["k0-16"]][index % 3]),
        ]
        if offering.module.code in ("MPT7002", "MPT7003"):
            plans.append((SessionKind.LAB, (index + 2) % 5, datetime.time(9), datetime.time(10), rooms["s2-08"]))
        for kind, weekday, start_time, end_time, room in plans:
            try:
                services.series_create(
                    offering=offering, kind=kind, weekday=weekday, start_time=start_time, end_time=end_time,
                    first_week=1, last_week=10, room=room, teachers=teachers, cohorts=cohorts, by=SYSTEM,
                )
                made += 1
            except ClashError as error:
                stdout.write(f"  timetable: skipped a {kind} series of {offering.module.code}: {error.messages[0]}")
    if offerings and not Session.objects.filter(kind=SessionKind.GUEST_LECTURE, offering__term=autumn).exists():
        for number, (week, title) in enumerate(GUEST_SLOTS):
            offering = offerings[number % len(offerings)]
            day = services.term_monday(autumn) + datetime.timedelta(weeks=week - 1, days=3)
            zone = services.offering_zone(offering)
            try:
                services.session_create(
                    offering=offering, kind=SessionKind.GUEST_LECTURE, title=title,
                    starts_at=aware(day, datetime.time(16), zone),
                    ends_at=aware(day, datetime.time(17, 30), zone), room=rooms["lt1"],
                    teachers=[offering.leader] if offering.leader else [], cohorts=_cohorts_for(offering), by=SYSTEM,
                )
            except ClashError as error:
                stdout.write(f"  timetable: skipped a guest lecture: {error.messages[0]}")
    first = offerings[0] if offerings else None
    if first and not Session.objects.filter(offering__term=autumn, status=Session.Status.CANCELLED).exists():
        seminar = Session.objects.filter(offering=first, kind=SessionKind.SEMINAR, week=8).first()
        if seminar is not None:
            services.session_cancel(
                session=seminar, by=SYSTEM,
                reason="Dr Okafor is giving evidence to a select committee that afternoon. "
                       "The seminar's reading moves to week 9's session.",
            )
    if made:
        stdout.write(f"  timetable: {made} weekly series in {autumn}, guest lectures and a cancellation")
