import datetime

import pytest
from django.utils import timezone

from lecturers import services
from lecturers.models import Invitation
from lecturers.services import VIA_LINK
from notifications.models import OutboundEmail
from notifications.reminder_engine import reminders_run
from timetable.models import Session

from .factories import make_invitation, make_offering

State = Invitation.State
DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


def mails(purpose):
    return list(OutboundEmail.objects.filter(purpose=purpose).order_by("pk"))


def test_one_chase_after_five_days_unanswered():
    invitation = make_invitation()
    sent = invitation.invited_at
    reminders_run(now=sent + 4 * DAY)
    assert mails("lecturers.chase") == []
    reminders_run(now=sent + 5 * DAY + datetime.timedelta(minutes=5))
    reminders_run(now=sent + 5 * DAY + datetime.timedelta(minutes=10))
    [chase] = mails("lecturers.chase")
    assert chase.to == [invitation.lecturer.email]
    assert chase.subject.startswith("Action needed: ")


def test_no_chase_once_answered():
    invitation = make_invitation()
    services.invitation_decline(invitation=invitation, by=VIA_LINK)
    reminders_run(now=invitation.invited_at + 5 * DAY + datetime.timedelta(minutes=5))
    assert mails("lecturers.chase") == []


def accepted(students=0):
    invitation = make_invitation(offering=make_offering(students=students))
    return services.invitation_accept(invitation=invitation, slot=invitation.slots.get(), by=VIA_LINK)


def test_practical_details_seven_days_and_one_day_before():
    invitation = accepted()
    start = invitation.session.starts_at
    reminders_run(now=start - 8 * DAY)
    assert mails("lecturers.practical") == []
    reminders_run(now=start - 7 * DAY + datetime.timedelta(minutes=1))
    [week] = mails("lecturers.practical")
    assert "in 7 days" in week.subject
    assert invitation.session.room.label in week.body_text
    assert invitation.host.email in week.body_text
    [attachment] = week.attachments
    assert (attachment["filename"], attachment["mimetype"]) == ("guest-lecture.ics", "text/calendar")
    reminders_run(now=start - DAY + datetime.timedelta(minutes=1))
    reminders_run(now=start - DAY + datetime.timedelta(minutes=6))
    assert [m.subject.split(":")[0] for m in mails("lecturers.practical")] == [
        "Your guest lecture in 7 days", "Your guest lecture tomorrow"]


def test_students_each_get_their_own_note_the_day_before():
    invitation = accepted(students=3)
    reminders_run(now=invitation.session.starts_at - DAY + datetime.timedelta(minutes=1))
    notes = mails("lecturers.students_note")
    assert len(notes) == 3
    assert all(len(note.to) == 1 for note in notes)
    host_copy = [m for m in mails("lecturers.staff_update") if "speaks tomorrow" in m.subject]
    assert len(host_copy) == 1
    assert "3 students" in host_copy[0].body_text


def test_no_reminders_for_a_cancelled_lecture():
    invitation = accepted(students=1)
    services.invitation_cancel(invitation=invitation, reason="Ill", by=invitation.host)
    reminders_run(now=invitation.session.starts_at - DAY + datetime.timedelta(minutes=1))
    assert mails("lecturers.practical") == [] and mails("lecturers.students_note") == []


def test_thank_you_the_day_after_delivery_moves_to_thanked():
    invitation = accepted()
    ended = timezone.now() - datetime.timedelta(hours=1)
    Session.objects.filter(pk=invitation.session_id).update(starts_at=ended - datetime.timedelta(hours=2),
                                                             ends_at=ended)
    services.invitations_mark_delivered_due()
    reminders_run(now=ended + datetime.timedelta(hours=2))
    assert mails("lecturers.thanks") == []
    reminders_run(now=ended + DAY + datetime.timedelta(minutes=1))
    reminders_run(now=ended + DAY + datetime.timedelta(minutes=6))
    assert len(mails("lecturers.thanks")) == 1
    invitation.refresh_from_db()
    assert invitation.state == State.THANKED
    assert invitation.events.last().actor_label == "Automatically"
