import datetime
from zoneinfo import ZoneInfo

import factory

from curriculum.tests.factories import ModuleOfferingFactory
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

    week = 6
    label = "Reading week"


class ClosureDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ClosureDate

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
        teachers=list(teachers), cohorts=list(cohorts), by=None, **kwargs,
    )
