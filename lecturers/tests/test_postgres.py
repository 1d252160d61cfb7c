"""What PostgreSQL guarantees beyond the application's own check."""

import pytest

from lecturers import services
from lecturers.models import Invitation
from lecturers.services import VIA_LINK
from timetable import clashes
from timetable.models import Session
from timetable.services import sessions as timetable_services

from .factories import make_invitation, make_offering, slot


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_exclusion_constraint_stops_a_second_guest_the_check_did_not_see(monkeypatch):
    offering = make_offering()
    first = make_invitation(offering=offering, slots=[slot(room=None, online_url="https://meet.example.net/a")])
    taken = first.slots.get()
    second = make_invitation(offering=offering, slots=[
        services.SlotSpec(taken.starts_at, taken.ends_at, None, "https://meet.example.net/b")])
    services.invitation_accept(invitation=first, slot=taken, by=VIA_LINK)

    # The race: the second acceptance's check ran before the first committed, so it saw nothing.
    calls = {"n": 0}
    real = clashes.find_clashes

    def blind_first_time(**kwargs):
        calls["n"] += 1
        return [] if calls["n"] == 1 else real(**kwargs)

    monkeypatch.setattr(timetable_services, "find_clashes", blind_first_time)
    with pytest.raises(services.SlotTaken) as error:
        services.invitation_accept(invitation=second, slot=second.slots.get(), by=VIA_LINK)
    assert any("guest-lecture slot" in reason for reason in error.value.reasons)
    second.refresh_from_db()
    assert (second.state, second.session_id) == (Invitation.State.INVITED, None)
    assert Session.objects.filter(kind="guest_lecture").count() == 1
