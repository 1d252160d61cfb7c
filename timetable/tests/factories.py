import datetime
from zoneinfo import ZoneInfo

import factory

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.access import SYSTEM
from curriculum.tests.factories import ModuleOfferingFactory, TermFactory
from timetable import models, services

LONDON = ZoneInfo("Europe/London")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Room
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"B{10 + n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower())
    building = "Bush House"
    capacity = 60


class NonTeachingWeekFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.NonTeachingWeek

    term = factory.SubFactory(TermFactory)
    week = 6
    label = "Reading week"


class ClosureDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClosureDate

    date = factory.Sequence(lambda n: datetime.date(2026, 12, 24) + datetime.timedelta(days=n))
    label = "University closed"


def at(day, hour, minute=0):
    """An aware London time on a date."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def make_session(*, offering=None, day=None, start=10, end=12, room="new", teachers=(), cohorts=(),
                 kind="lecture", **kwargs):
    """A session made through the service, so its bookings exist like real ones."""
    offering = offering or ModuleOfferingFactory()
    day = day or services.term_monday(offering.term) + datetime.timedelta(days=1)
    if room == "new":
        room = RoomFactory()
    return services.session_create(
        offering=offering, kind=kind, starts_at=at(day, start), ends_at=at(day, end), room=room,
        teachers=list(teachers), cohorts=list(cohorts), by=SYSTEM, **kwargs,
    )


class SessionSeriesFactory(factory.django.DjangoModelFactory):
    """Tuesdays 10:00 to 12:00 in weeks 1 to 10 (the pattern only: no sessions)."""

    class Meta:
        model = models.SessionSeries

    offering = factory.SubFactory(ModuleOfferingFactory)
    kind = models.SessionKind.LECTURE
    weekday = 1
    start_time = datetime.time(10)
    end_time = datetime.time(12)
    first_week = 1
    last_week = 10
    created_by = factory.SubFactory(UserFactory, roles=[Role.STAFF])


class SessionFactory(factory.django.DjangoModelFactory):
    """A lecture on the Tuesday of the term's first week, 10:00 to 12:00, in a new room.

    The row alone, without bookings: `make_session` goes through the service
    and books the room, the teachers and the cohorts like a real session."""

    class Meta:
        model = models.Session

    offering = factory.SubFactory(ModuleOfferingFactory)
    kind = models.SessionKind.LECTURE
    week = 1
    starts_at = factory.LazyAttribute(
        lambda o: at(services.term_monday(o.offering.term) + datetime.timedelta(days=1), 10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    room = factory.SubFactory(RoomFactory)

    class Params:
        online = factory.Trait(room=None, online_url="https://meet.example.org/mpt")
        moved = factory.Trait(status=models.Session.Status.MOVED, sequence=1)
        cancelled = factory.Trait(status=models.Session.Status.CANCELLED, cancel_reason="The lecturer is ill.")
        unpublished = factory.Trait(is_published=False)


class BookingFactory(factory.django.DjangoModelFactory):
    """A session's hold on its room for the session's time."""

    class Meta:
        model = models.Booking

    session = factory.SubFactory(SessionFactory)
    resource_kind = "room"
    resource_id = factory.LazyAttribute(lambda o: o.session.room_id)
    resource_label = factory.LazyAttribute(lambda o: o.session.room.label)
    starts_at = factory.LazyAttribute(lambda o: o.session.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.session.ends_at)

    class Params:
        inactive = factory.Trait(is_active=False)


class FeedTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FeedToken

    user = factory.SubFactory(UserFactory, roles=[Role.STUDENT])
