import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.models import ProgrammeModule
from curriculum.tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    ModuleOfferingFactory,
    ProgrammeModuleFactory,
)
from timetable import services
from timetable.clashes import ClashError, Resource, find_warnings
from timetable.models import Booking, Session, SessionSeries

from .factories import ClosureDateFactory, NonTeachingWeekFactory, RoomFactory, at, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.STAFF], full_name="Dr Ada Okafor")


@pytest.fixture
def offering():
    return ModuleOfferingFactory(module__code="MPT6001")


def tuesday(offering, week=1):
    monday = offering.term.starts_on - datetime.timedelta(days=offering.term.starts_on.weekday())
    return monday + datetime.timedelta(days=1, weeks=week - 1)


def test_a_room_cannot_be_booked_twice_and_the_message_names_the_other_session(offering, staff):
    room = RoomFactory(name="B12")
    make_session(offering=offering, room=room, day=tuesday(offering))
    other = ModuleOfferingFactory(term=offering.term)

    with pytest.raises(ClashError) as caught:
        make_session(offering=other, room=room, day=tuesday(offering), start=11, end=13)

    day = tuesday(offering)
    assert caught.value.messages == [
        f"Room B12 is already booked for MPT6001 lecture, Tue {day.day} {day:%b} 10:00\u201312:00"
    ]
    assert Session.objects.count() == 1
    assert Booking.objects.count() == 1


def test_sessions_that_only_touch_do_not_clash(offering):
    room = RoomFactory()
    make_session(offering=offering, room=room, start=10, end=12)
    make_session(offering=offering, room=room, start=12, end=14)
    assert Session.objects.count() == 2


def test_a_member_of_staff_cannot_teach_two_sessions_at_once(offering, staff):
    make_session(offering=offering, teachers=[staff])
    with pytest.raises(ClashError) as caught:
        make_session(offering=ModuleOfferingFactory(term=offering.term), teachers=[staff], start=11, end=12)
    assert caught.value.messages[0].startswith("Dr Ada Okafor is already booked for MPT6001 lecture")


def test_a_cohort_cannot_be_in_two_core_sessions_at_once(offering):
    cohort = CohortFactory(name="MSc Public Technology 2026/27 full-time")
    make_session(offering=offering, cohorts=[cohort])
    with pytest.raises(ClashError) as caught:
        make_session(offering=ModuleOfferingFactory(term=offering.term), cohorts=[cohort])
    assert caught.value.messages[0].startswith(
        "the MSc Public Technology 2026/27 full-time cohort is already booked for MPT6001 lecture"
    )


def test_optional_modules_of_one_cohort_may_overlap_with_a_warning(offering):
    cohort = CohortFactory()
    second = ModuleOfferingFactory(term=offering.term)
    for module in (offering.module, second.module):
        ProgrammeModuleFactory(programme=cohort.programme, module=module, kind=ProgrammeModule.Kind.OPTIONAL)
    make_session(offering=offering, cohorts=[cohort])
    day = tuesday(second)

    warnings = find_warnings(offering=second, starts_at=at(day, 10), ends_at=at(day, 12), room=None,
                             cohorts=[cohort])
    make_session(offering=second, cohorts=[cohort], day=day)

    assert len(warnings) == 1
    assert "another optional module for the same cohort" in warnings[0]
    assert Session.objects.count() == 2


def test_warnings_for_a_small_room_and_outside_teaching_hours(offering):
    room = RoomFactory(name="S1", capacity=10)
    cohort = CohortFactory()
    EnrolmentFactory.create_batch(12, cohort=cohort)
    day = tuesday(offering)

    warnings = find_warnings(offering=offering, starts_at=at(day, 18), ends_at=at(day, 20), room=room,
                             cohorts=[cohort])

    assert warnings == [
        "Room S1 seats 10, fewer than the 12 people expected.",
        "The session runs outside teaching hours (09:00\u201318:00).",
    ]


def test_a_cancelled_session_frees_its_slot(offering, staff):
    room = RoomFactory()
    first = make_session(offering=offering, room=room)
    services.session_cancel(session=first, reason="Lecturer ill", by=staff)
    make_session(offering=offering, room=room)
    assert Session.objects.active().count() == 1


def test_other_apps_book_extra_resources_and_they_clash_too(offering, staff):
    guest = Resource(kind="guest", id=7, label="Dr Amara Chen")
    first = make_session(offering=offering, extra_resources=[guest])
    with pytest.raises(ClashError) as caught:
        make_session(offering=ModuleOfferingFactory(term=offering.term), extra_resources=[guest], start=11)
    assert caught.value.messages[0].startswith("Dr Amara Chen is already booked for MPT6001 lecture")

    # The guest's booking moves with the session and survives a change of room.
    day = tuesday(offering, week=2)
    services.session_update(session=first, starts_at=at(day, 14), ends_at=at(day, 16), room=RoomFactory(), by=staff)
    guest_booking = Booking.objects.get(session=first, resource_kind="guest")
    assert guest_booking.starts_at == at(day, 14)
    assert guest_booking.is_active


def test_session_update_marks_it_moved_raises_the_sequence_and_moves_bookings(offering, staff):
    session = make_session(offering=offering, teachers=[staff])
    day = tuesday(offering)

    services.session_update(session=session, starts_at=at(day, 14), ends_at=at(day, 16), by=staff)

    session.refresh_from_db()
    assert session.status == Session.Status.MOVED
    assert session.sequence == 1
    assert set(session.bookings.values_list("starts_at", flat=True)) == {at(day, 14)}


def test_only_staff_change_the_timetable(offering):
    student = UserFactory(roles=[Role.STUDENT])
    session = make_session(offering=offering)
    with pytest.raises(PermissionDenied):
        services.session_update(session=session, title="Hijacked", by=student)
    with pytest.raises(PermissionDenied):
        services.session_cancel(session=session, reason="No", by=student)
    session.refresh_from_db()
    assert (session.title, session.status, session.sequence) == ("", Session.Status.SCHEDULED, 0)


def test_a_series_skips_reading_week_and_closure_dates(offering, staff):
    NonTeachingWeekFactory(term=offering.term, week=6)
    ClosureDateFactory(date=tuesday(offering, week=3), label="Strike day")
    room = RoomFactory()

    series = services.series_create(
        offering=offering, kind="lecture", weekday=1, start_time=datetime.time(10), end_time=datetime.time(12),
        first_week=1, last_week=10, room=room, teachers=[staff], by=staff,
    )

    sessions = list(series.sessions.order_by("starts_at"))
    assert [s.week for s in sessions] == [1, 2, 4, 5, 7, 8, 9, 10]
    # Wall-clock 10:00 in London every week, before and after the clocks go back.
    assert {s.starts_at.astimezone(at(tuesday(offering), 10).tzinfo).time() for s in sessions} == {datetime.time(10)}
    assert sessions[0].starts_at == at(tuesday(offering, 1), 10)


def test_a_series_that_clashes_names_each_week_and_saves_nothing(offering, staff):
    room = RoomFactory(name="B12")
    make_session(offering=ModuleOfferingFactory(term=offering.term), room=room, day=tuesday(offering, 2))
    make_session(offering=ModuleOfferingFactory(term=offering.term), room=room, day=tuesday(offering, 4))

    with pytest.raises(ClashError) as caught:
        services.series_create(
            offering=offering, kind="seminar", weekday=1, start_time=datetime.time(11),
            end_time=datetime.time(13), first_week=1, last_week=5, room=room, by=staff,
        )

    assert len(caught.value.messages) == 2
    assert all(m.startswith("Room B12 is already booked for") for m in caught.value.messages)
    assert not SessionSeries.objects.exists()
    assert Session.objects.filter(offering=offering).count() == 0


@pytest.fixture
def series(offering, staff):
    return services.series_create(
        offering=offering, kind="lecture", weekday=1, start_time=datetime.time(10), end_time=datetime.time(12),
        first_week=1, last_week=4, room=RoomFactory(), teachers=[staff], by=staff,
    )


def test_editing_a_series_from_a_week_on_leaves_earlier_weeks_alone(series, staff, offering):
    services.series_update(series=series, from_week=3, weekday=3, start_time=datetime.time(14),
                           end_time=datetime.time(15), by=staff)
    starts = [s.starts_at for s in series.sessions.order_by("week")]
    assert starts == [
        at(tuesday(offering, 1), 10), at(tuesday(offering, 2), 10),
        at(tuesday(offering, 3) + datetime.timedelta(days=2), 14),
        at(tuesday(offering, 4) + datetime.timedelta(days=2), 14),
    ]
    series.refresh_from_db()
    assert (series.weekday, series.start_time) == (3, datetime.time(14))


def test_moving_a_series_by_a_week_moves_every_session_without_clashing_with_itself(series, staff, offering):
    services.series_move(series=series, weeks=1, by=staff)
    sessions = list(series.sessions.order_by("week"))
    assert [s.week for s in sessions] == [2, 3, 4, 5]
    assert [s.starts_at for s in sessions] == [at(tuesday(offering, w), 10) for w in (2, 3, 4, 5)]
    assert {s.status for s in sessions} == {Session.Status.MOVED}
    assert {s.sequence for s in sessions} == {1}
    series.refresh_from_db()
    assert (series.first_week, series.last_week) == (2, 5)


def test_moving_a_series_into_a_booked_slot_is_refused_and_nothing_moves(series, staff, offering):
    room = series.sessions.first().room
    make_session(offering=ModuleOfferingFactory(term=offering.term), room=room, day=tuesday(offering, 5))
    with pytest.raises(ClashError) as caught:
        services.series_move(series=series, weeks=1, by=staff)
    assert len(caught.value.messages) == 1
    assert [s.week for s in series.sessions.order_by("week")] == [1, 2, 3, 4]
    assert set(series.sessions.values_list("sequence", flat=True)) == {0}


def test_cancelling_queues_one_notice_per_student_and_member_of_staff(offering, staff):
    from notifications.models import OutboundEmail

    cohort = CohortFactory()
    students = [EnrolmentFactory(cohort=cohort).student for _ in range(2)]
    EnrolmentFactory(cohort=cohort, status="withdrawn")
    session = make_session(offering=offering, cohorts=[cohort], teachers=[staff])

    services.session_cancel(session=session, reason="The lecturer is ill.", by=staff)

    session.refresh_from_db()
    assert (session.status, session.cancel_reason, session.sequence) == ("cancelled", "The lecturer is ill.", 1)
    assert not session.bookings.filter(is_active=True).exists()
    mails = OutboundEmail.objects.filter(purpose=services.CANCEL_PURPOSE)
    assert sorted(m.to[0] for m in mails) == sorted([staff.email, *[s.email for s in students]])
    assert all("The lecturer is ill." in m.body_text for m in mails)
    assert mails[0].subject.startswith("Cancelled: MPT6001 lecture")


def test_cancelling_needs_a_reason(offering, staff):
    session = make_session(offering=offering)
    with pytest.raises(ValidationError):
        services.session_cancel(session=session, reason="  ", by=staff)
    session.refresh_from_db()
    assert session.status == Session.Status.SCHEDULED


def test_the_personal_feed_secret_can_be_revoked(staff):
    first = services.feed_token_for(user=staff).token
    assert services.feed_token_for(user=staff).token == first
    second = services.feed_token_revoke(user=staff).token
    assert second != first
