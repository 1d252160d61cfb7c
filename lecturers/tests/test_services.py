import datetime

import pytest
from django.core import mail as django_mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from lecturers import services
from lecturers.models import GuestLecturer, Invitation, InvitationEvent
from lecturers.services import GUEST, GUEST_SLOT, VIA_LINK
from notifications.models import OutboundEmail
from timetable.models import Booking, Session
from timetable.tests.factories import make_session

from .factories import (
    GuestLecturerFactory,
    RoomFactory,
    cleaned_photo,
    future_day,
    make_invitation,
    make_offering,
    slot,
    staff_user,
)

State = Invitation.State
pytestmark = pytest.mark.django_db


def purposes():
    return list(OutboundEmail.objects.order_by("pk").values_list("purpose", flat=True))


# Profiles ---------------------------------------------------------------------------


def test_one_person_one_profile_whatever_the_case_of_the_email():
    staff = staff_user()
    services.lecturer_create(by=staff, full_name="Dr Ada Byrne", email="ada@example.net")
    with pytest.raises(ValidationError):
        services.lecturer_create(by=staff, full_name="Ada Byrne", email="ADA@Example.net")
    assert GuestLecturer.objects.count() == 1


def test_profiles_get_unique_slugs():
    staff = staff_user()
    a = services.lecturer_create(by=staff, full_name="Sam Lee", email="a@example.net")
    b = services.lecturer_create(by=staff, full_name="Sam Lee", email="b@example.net")
    assert (a.slug, b.slug) == ("sam-lee", "sam-lee-2")


def test_only_staff_create_profiles():
    student = UserFactory(roles=[Role.STUDENT])
    with pytest.raises(PermissionDenied):
        services.lecturer_create(by=student, full_name="X", email="x@example.net")
    assert GuestLecturer.objects.count() == 0


def test_consent_change_is_dated():
    lecturer = GuestLecturerFactory(private=True)
    services.lecturer_update(lecturer=lecturer, by=staff_user(), public_profile_consent=True)
    lecturer.refresh_from_db()
    assert lecturer.public_profile_consent is True
    assert lecturer.consent_changed_at is not None


# Creating and sending ----------------------------------------------------------------


def test_send_moves_to_invited_logs_and_mails_a_link(django_capture_on_commit_callbacks):
    staff = staff_user(full_name="Jo Bell")
    lecturer = GuestLecturerFactory(email="amara@example.net", full_name="Dr Amara Osei")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = make_invitation(lecturer=lecturer, by=staff, send=True)
    assert invitation.state == State.INVITED
    assert invitation.invited_at is not None
    assert invitation.link_expires_at - invitation.invited_at == datetime.timedelta(days=services.LINK_DAYS)
    assert list(invitation.events.values_list("from_state", "to_state", "actor_label")) == [
        ("", "draft", "Jo Bell"), ("draft", "invited", "Jo Bell"),
    ]
    assert purposes() == ["lecturers.invitation"]
    [sent] = django_mail.outbox
    assert sent.to == ["amara@example.net"]
    assert "/lecturers/invitation/" in sent.body
    assert sent.reply_to == [staff.email]


def test_a_draft_sends_nothing():
    invitation = make_invitation(send=False)
    assert invitation.state == State.DRAFT
    assert OutboundEmail.objects.count() == 0


def test_a_slot_that_clashes_refuses_the_invitation_and_saves_nothing():
    offering = make_offering()
    room = RoomFactory()
    day = future_day()
    make_session(day=day, start=13, end=15, room=room)  # the room is taken 13:00-15:00
    with pytest.raises(ValidationError) as error:
        make_invitation(offering=offering, slots=[slot(day, 14, 16, room=room)])
    assert "Room" in " ".join(error.value.messages)
    assert Invitation.objects.count() == 0


def test_more_than_three_slots_are_refused():
    with pytest.raises(ValidationError):
        make_invitation(slots=[slot(future_day(30 + 7 * n)) for n in range(4)])
    assert Invitation.objects.count() == 0


def test_only_staff_invite():
    with pytest.raises(PermissionDenied):
        make_invitation(by=UserFactory(roles=[Role.STUDENT]), host=staff_user())
    assert Invitation.objects.count() == 0


# Accepting -----------------------------------------------------------------------------


def test_accepting_books_the_session_through_the_timetable(django_capture_on_commit_callbacks):
    offering = make_offering()
    invitation = make_invitation(offering=offering, slots=[slot(), slot(future_day(40))])
    chosen = invitation.slots.order_by("starts_at").last()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(invitation=invitation, slot=chosen, by=VIA_LINK)
    invitation.refresh_from_db()
    assert invitation.state == State.ACCEPTED
    session = invitation.session
    assert (session.kind, session.starts_at, session.room_id) == ("guest_lecture", chosen.starts_at, chosen.room_id)
    assert list(session.teachers.all()) == [invitation.host]
    kinds = sorted(session.bookings.values_list("resource_kind", "resource_id"))
    cohort = offering.module.placements.get().programme.cohorts.get()
    assert kinds == sorted([("cohort", cohort.pk), (GUEST, invitation.lecturer_id), (GUEST_SLOT, offering.pk),
                            ("room", chosen.room_id), ("staff", invitation.host_id)])
    assert invitation.link_expires_at == chosen.ends_at + datetime.timedelta(days=services.LINK_AFTER_LECTURE)
    event = invitation.events.last()
    assert (event.to_state, event.actor, event.actor_label) == (
        "accepted", None, f"{invitation.lecturer.full_name} (through their invitation link)")
    assert purposes()[-2:] == ["lecturers.accepted", "lecturers.staff_update"]


def test_accepting_twice_does_nothing_more():
    invitation = make_invitation()
    chosen = invitation.slots.get()
    services.invitation_accept(invitation=invitation, slot=chosen, by=VIA_LINK)
    before = (Session.objects.count(), OutboundEmail.objects.count(), InvitationEvent.objects.count())
    services.invitation_accept(invitation=invitation, slot=chosen, by=VIA_LINK)
    assert (Session.objects.count(), OutboundEmail.objects.count(), InvitationEvent.objects.count()) == before


def test_a_slot_another_lecturer_took_gets_a_clear_answer_and_nothing_half_saved():
    offering = make_offering()
    first = make_invitation(offering=offering, slots=[slot(room=None, online_url="https://meet.example.net/a")])
    s = first.slots.get()
    second = make_invitation(offering=offering, slots=[
        services.SlotSpec(s.starts_at, s.ends_at, None, "https://meet.example.net/b")])
    services.invitation_accept(invitation=first, slot=s, by=VIA_LINK)
    counts = (Session.objects.count(), Booking.objects.count(), OutboundEmail.objects.count())
    with pytest.raises(services.SlotTaken) as error:
        services.invitation_accept(invitation=second, slot=second.slots.get(), by=VIA_LINK)
    assert any("guest-lecture slot" in reason for reason in error.value.reasons)
    second.refresh_from_db()
    assert (second.state, second.session_id, second.chosen_slot_id) == (State.INVITED, None, None)
    assert (Session.objects.count(), Booking.objects.count(), OutboundEmail.objects.count()) == counts


def test_a_guest_cannot_be_in_two_places_at_once():
    lecturer = GuestLecturerFactory(full_name="Dr Two Places")
    day = future_day()
    one = make_invitation(lecturer=lecturer, slots=[slot(day, 10, 12)])
    two = make_invitation(lecturer=lecturer, slots=[slot(day, 11, 13)])  # another module, another room
    services.invitation_accept(invitation=one, slot=one.slots.get(), by=VIA_LINK)
    with pytest.raises(services.SlotTaken) as error:
        services.invitation_accept(invitation=two, slot=two.slots.get(), by=VIA_LINK)
    assert any(reason.startswith("Dr Two Places is already booked") for reason in error.value.reasons)
    assert Session.objects.count() == 1


def test_a_withdrawn_slot_cannot_be_taken():
    invitation = make_invitation()
    old = invitation.slots.get()
    services.invitation_offer_new_times(invitation=invitation, slots=[slot(future_day(50))], by=invitation.host)
    with pytest.raises(services.InvalidTransition):
        services.invitation_accept(invitation=invitation, slot=old, by=VIA_LINK)
    assert Session.objects.count() == 0


# Declining, proposing, new times --------------------------------------------------------


def test_decline_logs_and_tells_lecturer_and_host():
    invitation = make_invitation()
    services.invitation_decline(invitation=invitation, reason="On leave that month.", by=VIA_LINK)
    invitation.refresh_from_db()
    assert (invitation.state, invitation.decline_reason) == (State.DECLINED, "On leave that month.")
    assert purposes()[-2:] == ["lecturers.declined", "lecturers.staff_update"]
    with pytest.raises(services.InvalidTransition):
        services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)


def test_alternative_then_new_times_sends_a_second_invitation():
    invitation = make_invitation()
    services.invitation_propose_alternative(invitation=invitation, note="Any Thursday in March", by=VIA_LINK)
    invitation.refresh_from_db()
    assert invitation.state == State.ALTERNATIVE
    services.invitation_offer_new_times(invitation=invitation, slots=[slot(future_day(60, weekday=3))],
                                        by=invitation.host)
    invitation.refresh_from_db()
    assert (invitation.state, invitation.round) == (State.INVITED, 2)
    assert invitation.slots.filter(withdrawn=False).count() == 1
    assert purposes().count("lecturers.invitation") == 2


def test_proposing_needs_a_note():
    invitation = make_invitation()
    with pytest.raises(ValidationError):
        services.invitation_propose_alternative(invitation=invitation, note="  ", by=VIA_LINK)
    invitation.refresh_from_db()
    assert invitation.state == State.INVITED


# Confirming ----------------------------------------------------------------------------


def test_confirm_saves_details_and_sends_practical_details_with_an_ics(django_capture_on_commit_callbacks):
    invitation = make_invitation()
    services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_confirm(
            invitation=invitation, recording_consent=True, av_needs="HDMI", travel="Train from Leeds",
            photo=cleaned_photo(), bio="New bio", public_profile_consent=True, access_needs="Step-free",
            by=VIA_LINK,
        )
    invitation.refresh_from_db()
    lecturer = invitation.lecturer
    assert invitation.state == State.CONFIRMED
    assert (invitation.recording_consent, invitation.av_needs, invitation.travel) == (True, "HDMI", "Train from Leeds")
    assert (lecturer.bio, lecturer.access_needs, bool(lecturer.photo)) == ("New bio", "Step-free", True)
    confirmation = next(m for m in django_mail.outbox if m.subject.startswith("Confirmed"))
    [(name, content, mimetype)] = confirmation.attachments
    assert (name, mimetype) == ("guest-lecture.ics", "text/calendar")
    text = content.decode() if isinstance(content, bytes) else content
    assert f"session-{invitation.session.uid}@" in text
    assert "STATUS:CONFIRMED" in text


def test_confirm_before_accepting_is_refused():
    invitation = make_invitation()
    with pytest.raises(services.InvalidTransition):
        services.invitation_confirm(invitation=invitation, recording_consent=True, by=VIA_LINK)
    invitation.refresh_from_db()
    assert invitation.state == State.INVITED


# Cancelling, delivering, thanking --------------------------------------------------------


def test_staff_cancel_releases_the_session_and_tells_the_lecturer():
    invitation = make_invitation()
    services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)
    services.invitation_cancel(invitation=invitation, reason="The module moved term.", by=invitation.host)
    invitation.refresh_from_db()
    assert invitation.state == State.CANCELLED
    assert invitation.session.status == Session.Status.CANCELLED
    assert not Booking.objects.filter(session=invitation.session, is_active=True).exists()
    assert "lecturers.cancelled" in purposes()
    # The slot is free again for another guest.
    again = make_invitation(offering=invitation.offering, slots=[
        services.SlotSpec(invitation.session.starts_at, invitation.session.ends_at, invitation.session.room, "")])
    services.invitation_accept(invitation=again, slot=again.slots.get(), by=VIA_LINK)


def test_the_lecturer_can_withdraw_only_an_agreed_lecture():
    invitation = make_invitation()
    with pytest.raises(services.InvalidTransition):
        services.invitation_cancel(invitation=invitation, reason="Busy", by=VIA_LINK)
    services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)
    services.invitation_cancel(invitation=invitation, reason="I am unwell", by=VIA_LINK)
    invitation.refresh_from_db()
    assert invitation.state == State.CANCELLED
    assert purposes()[-2:] == ["lecturers.cancelled", "lecturers.staff_update"]


def test_cancelling_a_draft_mails_nobody():
    invitation = make_invitation(send=False)
    services.invitation_cancel(invitation=invitation, reason="Changed our minds", by=invitation.host)
    assert OutboundEmail.objects.count() == 0


def _held_in_the_past(invitation):
    """Move the held session into the past, as if the day had come and gone."""
    invitation.refresh_from_db()
    past = timezone.now() - datetime.timedelta(hours=3)
    Session.objects.filter(pk=invitation.session_id).update(starts_at=past, ends_at=past + datetime.timedelta(hours=2))


def test_delivered_then_thanked_once():
    invitation = make_invitation()
    services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)
    with pytest.raises(services.InvalidTransition):
        services.invitation_mark_delivered(invitation=invitation, by=invitation.host)
    _held_in_the_past(invitation)
    services.invitation_mark_delivered(invitation=invitation, by=invitation.host)
    services.invitation_thank(invitation=invitation, by=invitation.host)
    services.invitation_thank(invitation=invitation, by=invitation.host)
    invitation.refresh_from_db()
    assert invitation.state == State.THANKED
    assert purposes().count("lecturers.thanks") == 1


def test_the_job_marks_ended_lectures_delivered():
    invitation = make_invitation()
    services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)
    assert services.invitations_mark_delivered_due() == 0
    _held_in_the_past(invitation)
    assert services.invitations_mark_delivered_due() == 1
    invitation.refresh_from_db()
    assert (invitation.state, invitation.events.last().actor_label) == (State.DELIVERED, "Automatically")


def test_a_new_link_makes_the_old_one_stop_working():
    from lecturers.tokens import check_token, make_token

    invitation = make_invitation()
    old = make_token(invitation)
    services.invitation_new_link(invitation=invitation, by=invitation.host)
    invitation.refresh_from_db()
    assert check_token(old).problem == "invalid"
    assert check_token(make_token(invitation)).invitation == invitation
    assert purposes()[-1] == "lecturers.new_link"


def test_a_denied_staff_action_changes_nothing():
    invitation = make_invitation()
    with pytest.raises(PermissionDenied):
        services.invitation_cancel(invitation=invitation, reason="x", by=UserFactory(roles=[Role.STUDENT]))
    with pytest.raises(PermissionDenied):
        services.invitation_offer_new_times(invitation=invitation, slots=[slot()], by=VIA_LINK)
    invitation.refresh_from_db()
    assert invitation.state == State.INVITED
    assert invitation.events.count() == 2
