"""What only PostgreSQL guarantees: the exclusion constraint refuses overlapping
bookings even when two saves pass the application check at the same moment."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import IntegrityError, connection, transaction

from core.access import SYSTEM
from curriculum.tests.factories import ModuleOfferingFactory
from timetable.clashes import ClashError
from timetable.models import Booking, Session
from timetable.services import sessions as services

from .factories import RoomFactory, at, make_session

pytestmark = pytest.mark.postgres

THREADS = 6


@pytest.mark.django_db
def test_the_database_refuses_an_overlapping_booking_the_application_did_not_check():
    session = make_session()
    other = make_session(room=None, online_url="https://meet.example.org/x")
    booking = session.bookings.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(session=other, resource_kind="room", resource_id=booking.resource_id,
                               resource_label="Room X", starts_at=booking.starts_at, ends_at=booking.ends_at)


@pytest.mark.django_db
def test_inactive_bookings_and_other_resources_do_not_conflict():
    session = make_session()
    booking = session.bookings.get()
    other = make_session(room=None, online_url="https://meet.example.org/x")
    Booking.objects.create(session=other, resource_kind="room", resource_id=booking.resource_id,
                           resource_label="Room X", starts_at=booking.starts_at, ends_at=booking.ends_at,
                           is_active=False)
    Booking.objects.create(session=other, resource_kind="guest", resource_id=booking.resource_id,
                           resource_label="Dr X", starts_at=booking.starts_at, ends_at=booking.ends_at)
    assert Booking.objects.count() == 3


def test_concurrent_saves_of_one_slot_exactly_one_wins(transactional_db, monkeypatch):
    offerings = [ModuleOfferingFactory() for _ in range(THREADS)]
    room = RoomFactory(name="B12")
    day = offerings[0].term.starts_on
    barrier = threading.Barrier(THREADS, timeout=30)
    seen = threading.local()
    real_find = services.find_clashes

    def find_then_wait(**kwargs):
        # Every thread runs the application check, finds the slot free, and only
        # then do they all write at once: the race the check alone cannot stop.
        result = real_find(**kwargs)
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return result

    monkeypatch.setattr(services, "find_clashes", find_then_wait)

    def save(offering):
        try:
            services.session_create(offering=offering, kind="lecture", starts_at=at(day, 10), ends_at=at(day, 12),
                                    room=room, by=SYSTEM)
            return "saved"
        except ClashError as error:
            return error.messages
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(save, offerings))

    assert results.count("saved") == 1
    winner = Session.objects.get()
    refusals = [r for r in results if r != "saved"]
    assert len(refusals) == THREADS - 1
    assert all(r == [f"Room B12 is already booked for {winner.name}, {services.when_text(winner)}"] for r in refusals)
    assert Booking.objects.filter(resource_kind="room", is_active=True).count() == 1
