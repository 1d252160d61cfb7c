"""Rooms: the services' rules, the staff pages, the stale-copy refusal and the capacity warning."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.access import SYSTEM
from curriculum.tests.factories import CohortFactory, EnrolmentFactory, ModuleOfferingFactory
from timetable import services
from timetable.models import Room

from .factories import RoomFactory, at, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(roles=[Role.STAFF], full_name="Ada Staff")


def _future(n=0):
    return timezone.localdate() + datetime.timedelta(days=7 + n)


def _monday(offering):
    return services.term_monday(offering.term)


# Services ------------------------------------------------------------------------


def test_create_a_room_with_its_notes_and_history(staff):
    room = services.room_create(name=" G01 ", building="Main", capacity=40, accessibility_notes="Step-free",
                                equipment_notes="Projector", by=staff)
    assert (room.name, room.slug, room.capacity, room.is_active, room.version) == ("G01", "g01", 40, True, 1)
    assert room.history.count() == 1
    assert room.history.first().history_user == staff


@pytest.mark.parametrize("capacity", [0, -3, None])
def test_a_capacity_below_one_is_refused_and_nothing_is_saved(staff, capacity):
    with pytest.raises(ValidationError) as error:
        services.room_create(name="G02", capacity=capacity, by=staff)
    assert error.value.message_dict == {"capacity": ["Enter how many people the room seats, 1 or more"]}
    assert not Room.objects.filter(name="G02").exists()


def test_a_duplicate_name_is_refused_whatever_its_case(staff):
    RoomFactory(name="B12")
    with pytest.raises(ValidationError) as error:
        services.room_create(name="b12", capacity=10, by=staff)
    assert error.value.message_dict == {"name": ["There is already a room called “b12”: give this one another name"]}
    assert Room.objects.count() == 1


def test_a_student_may_not_change_rooms_and_nothing_changes():
    room = RoomFactory(capacity=30)
    student = UserFactory(roles=[Role.STUDENT])
    with pytest.raises(PermissionDenied):
        services.room_create(name="X1", capacity=10, by=student)
    with pytest.raises(PermissionDenied):
        services.room_update(room=room, expected_version=room.version, capacity=5, by=student)
    with pytest.raises(PermissionDenied):
        services.room_deactivate(room=room, by=student)
    room.refresh_from_db()
    assert (room.capacity, room.is_active, room.version, Room.objects.count()) == (30, True, 1, 1)


def test_update_raises_the_version_and_keeps_the_address(staff):
    room = RoomFactory(name="B12", capacity=30)
    room = services.room_update(room=room, expected_version=1, name="B12a", capacity=35, by=staff)
    assert (room.name, room.slug, room.capacity, room.version, room.updated_by) == ("B12a", "b12", 35, 2, staff)
    latest = room.history.first()
    assert (latest.name, latest.history_user) == ("B12a", staff)


def test_a_stale_copy_is_refused_naming_who_saved(staff):
    room = RoomFactory(capacity=30)
    other = UserFactory(roles=[Role.STAFF], full_name="Grace Other")
    services.room_update(room=room, expected_version=1, capacity=25, by=other)
    with pytest.raises(services.RoomConflict) as error:
        services.room_update(room=room, expected_version=1, capacity=99, by=staff)
    assert error.value.current.updated_by == other
    room.refresh_from_db()
    assert (room.capacity, room.version) == (25, 2)


def test_an_inactive_room_cannot_be_booked_and_can_come_back(staff):
    room = RoomFactory(name="B12")
    offering = ModuleOfferingFactory()
    services.room_deactivate(room=room, by=staff)
    room.refresh_from_db()
    assert room.is_active is False
    with pytest.raises(ValidationError) as error:
        services.session_create(offering=offering, kind="lecture", starts_at=at(_monday(offering), 10),
                                ends_at=at(_monday(offering), 11), room=room, by=SYSTEM)
    assert error.value.messages == ["Room B12 is no longer in use: choose another room."]
    other = make_session(offering=offering)
    with pytest.raises(ValidationError):
        services.session_update(session=other, room=room, by=staff)
    room = services.room_reactivate(room=room, by=staff)
    services.session_create(offering=offering, kind="lecture", starts_at=at(_monday(offering), 10),
                            ends_at=at(_monday(offering), 11), room=room, by=SYSTEM)
    assert room.sessions.count() == 1


def test_deactivating_keeps_the_room_s_future_sessions(staff):
    room = RoomFactory()
    session = make_session(room=room)
    services.room_deactivate(room=room, by=staff)
    session.refresh_from_db()
    assert session.room_id == room.pk


# Views ---------------------------------------------------------------------------


def test_staff_add_a_room_from_the_form(client, staff):
    client.force_login(staff)
    response = client.post(reverse("timetable:staff-room-create"), {
        "name": "G05", "building": "Main", "capacity": "12", "accessibility_notes": "Hearing loop",
        "equipment_notes": "",
    })
    room = Room.objects.get(name="G05")
    assert response.status_code == 302 and response["Location"] == room.get_absolute_url()
    assert room.accessibility_notes == "Hearing loop"


@pytest.mark.parametrize("capacity", ["0", "-1"])
def test_a_bad_capacity_is_named_beside_the_field(client, staff, capacity):
    client.force_login(staff)
    response = client.post(reverse("timetable:staff-room-create"), {"name": "G06", "capacity": capacity})
    assert response.status_code == 200
    assert response.context["form"].errors == {"capacity": ["Enter how many people the room seats, 1 or more"]}
    assert b"Error:" in response.content
    assert not Room.objects.filter(name="G06").exists()


def test_a_duplicate_name_is_named_beside_the_field(client, staff):
    RoomFactory(name="B12")
    client.force_login(staff)
    response = client.post(reverse("timetable:staff-room-create"), {"name": "B12", "capacity": "5"})
    assert response.context["form"].errors == {
        "name": ["There is already a room called “B12”: give this one another name"]
    }


def test_the_edit_form_refuses_a_stale_copy_and_says_who_saved(client, staff):
    room = RoomFactory(name="B12", capacity=30)
    other = UserFactory(roles=[Role.STAFF], full_name="Grace Other")
    services.room_update(room=room, expected_version=1, capacity=25, by=other)
    client.force_login(staff)
    data = {"name": "B12", "capacity": "99", "version": "1"}
    response = client.post(reverse("timetable:staff-room-edit", args=[room.slug]), data)
    assert response.status_code == 200
    assert "Grace Other saved a change to this room" in response.context["form"].non_field_errors()[0]
    room.refresh_from_db()
    assert room.capacity == 25
    # Saving again, having seen their version, replaces it.
    response = client.post(reverse("timetable:staff-room-edit", args=[room.slug]), {**data, "version": "2"})
    room.refresh_from_db()
    assert (response.status_code, room.capacity) == (302, 99)


def test_deactivating_asks_once_listing_future_sessions(client, staff):
    room = RoomFactory(name="B12")
    session = make_session(room=room, day=_future())
    client.force_login(staff)
    url = reverse("timetable:staff-room-deactivate", args=[room.slug])
    response = client.get(url)
    assert response.context["sessions"] == [session]
    assert reverse("timetable:session-edit", args=[session.pk]).encode() in response.content
    assert b"has 1 upcoming session" in response.content
    room.refresh_from_db()
    assert room.is_active
    response = client.post(url)
    room.refresh_from_db()
    assert (response.status_code, room.is_active) == (302, False)
    response = client.post(reverse("timetable:staff-room-reactivate", args=[room.slug]))
    room.refresh_from_db()
    assert room.is_active


def test_the_room_list_filters_by_status(client, staff):
    RoomFactory(name="B12")
    RoomFactory(name="B13", is_active=False)
    client.force_login(staff)
    url = reverse("timetable:staff-room-list")
    assert [r.name for r in client.get(url).context["rooms"]] == ["B12"]
    assert [r.name for r in client.get(url, {"status": "inactive"}).context["rooms"]] == ["B13"]
    assert [r.name for r in client.get(url, {"status": "all"}).context["rooms"]] == ["B12", "B13"]


@pytest.mark.parametrize("size", [1, 3])
def test_room_pages_cost_the_same_queries_whatever_the_number_of_rows(client, staff, django_assert_num_queries,
                                                                        size):
    rooms = [RoomFactory(name=f"R{n}", capacity=10 + n) for n in range(size)]
    offering = ModuleOfferingFactory()
    for n in range(size):
        make_session(offering=offering, room=rooms[0], day=_future(n), start=10, end=11)
    client.force_login(staff)
    client.get(reverse("timetable:staff-room-list"))
    with django_assert_num_queries(5):
        response = client.get(reverse("timetable:staff-room-list"))
    assert [r.name for r in response.context["rooms"]] == [f"R{n}" for n in range(size)]
    for room in rooms:
        assert f">Room {room.name}</a>".encode() in response.content
    with django_assert_num_queries(5):
        response = client.get(reverse("timetable:staff-room-detail", args=[rooms[0].slug]))
    assert len(response.context["sessions"]) == size
    assert response.content.count(b"Move or edit") == size


def test_the_session_form_warns_when_the_cohorts_exceed_the_room(client, staff):
    room = RoomFactory(name="S1", capacity=2)
    offering = ModuleOfferingFactory()
    cohort = CohortFactory()
    for _ in range(3):
        EnrolmentFactory(cohort=cohort)
    client.force_login(staff)
    day = _monday(offering) + datetime.timedelta(days=1)
    data = {"offering": offering.pk, "kind": "lecture", "date": day.isoformat(), "start_time": "10:00",
            "end_time": "11:00", "room": room.pk, "cohorts": [cohort.pk], "is_published": "on"}
    response = client.post(reverse("timetable:session-create"), data)
    assert response.context["warnings"] == ["Room S1 seats 2, fewer than the 3 people expected."]
    assert not room.sessions.exists()
    data.update(save_anyway="on", warnings_seen=response.context["form"].data["warnings_seen"])
    response = client.post(reverse("timetable:session-create"), data)
    assert response.status_code == 302
    assert room.sessions.count() == 1
