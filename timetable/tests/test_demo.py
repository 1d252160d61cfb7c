import datetime
import io

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.tests.factories import (
    AcademicYearFactory,
    CohortFactory,
    ModuleOfferingFactory,
    ProgrammeModuleFactory,
    TermFactory,
)
from timetable.demo import seed_demo_timetable
from timetable.models import Room, Session, SessionSeries

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_term_with_guest_lectures_and_a_cancellation_and_is_idempotent():
    UserFactory(email="staff@example.org", roles=[Role.STAFF])
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 14)
    year = AcademicYearFactory(starts_on=monday, ends_on=monday + datetime.timedelta(days=360))
    term = TermFactory(academic_year=year, starts_on=monday, ends_on=monday + datetime.timedelta(weeks=11))
    cohort = CohortFactory(academic_year=year)
    for code in ("MPT7001", "MPT7002", "MPT7003"):
        offering = ModuleOfferingFactory(term=term, module__code=code)
        ProgrammeModuleFactory(programme=cohort.programme, module=offering.module)

    seed_demo_timetable(stdout=io.StringIO())
    counts = (Room.objects.count(), SessionSeries.objects.count(), Session.objects.count())
    seed_demo_timetable(stdout=io.StringIO())

    assert (Room.objects.count(), SessionSeries.objects.count(), Session.objects.count()) == counts
    assert counts[1] == 8  # a lecture and a seminar each, and labs for two of them
    assert Session.objects.filter(kind="guest_lecture").count() == 3
    assert Session.objects.filter(status="cancelled").count() == 1
    # Reading week (week 6) has no series teaching.
    assert not Session.objects.filter(series__isnull=False, week=6).exists()
