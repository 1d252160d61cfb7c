"""Reminders about guest lectures, sent by the notifications reminder engine.

- lecturers.chase: one chase five days after an invitation went unanswered.
- lecturers.practical: seven days and one day before the lecture, practical
  details to the lecturer (room, how to find it, contact on the day, an .ics).
- lecturers.students: one day before, a note to each student of the module.
- lecturers.thanks: a day after a delivered lecture, the thank-you; it moves the
  invitation to "thanked" in the same transaction as the mail.

The engine sends each (source, invitation, offset) once. `message` answers None
when nothing is needed any more (answered, cancelled, moved out of the window).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from core.access import SYSTEM
from core.links import absolute
from notifications.registry import ReminderMessage, register_reminder_source
from notifications.services import queue_email
from timetable.models import Session

from . import mail
from .models import Invitation
from .tokens import link_for

State = Invitation.State
DAY = datetime.timedelta(days=1)
CHASE_AFTER = datetime.timedelta(days=5)
PRACTICAL_BEFORE = (datetime.timedelta(days=7), datetime.timedelta(days=1))
STUDENTS_BEFORE = datetime.timedelta(days=1)
THANKS_AFTER = datetime.timedelta(days=1)



def _queryset():
    return Invitation.objects.select_related(
        "lecturer", "offering__module", "host", "session__room", "chosen_slot__room"
    )


# Chase ----------------------------------------------------------------------------


def unanswered_due(start, end):
    """Invitations still unanswered, due at their sending time (the offset is minus five days)."""
    for invitation in _queryset().filter(state=State.INVITED, invited_at__gte=start, invited_at__lt=end):
        yield invitation, invitation.invited_at


def chase_message(invitation, offset):
    invitation.refresh_from_db(fields=["state", "link_expires_at", "invited_at"])
    if invitation.state != State.INVITED:
        return None
    if invitation.link_expires_at and invitation.link_expires_at <= timezone.now():
        return None
    moment = timezone.localtime(invitation.link_expires_at)
    return ReminderMessage(
        to=[invitation.lecturer.email],
        context={**mail.base_context(invitation), "link": link_for(invitation),
                 "expires": f"{moment:%A} {moment.day} {moment:%B %Y}"},
        reply_to=[invitation.host.email],
    )


# Practical details, and the students' note --------------------------------------


def lectures_due(start, end):
    """Agreed lectures whose session starts in the window."""
    for invitation in _queryset().filter(
        state__in=(State.ACCEPTED, State.CONFIRMED), session__starts_at__gte=start, session__starts_at__lt=end,
    ).exclude(session__status=Session.Status.CANCELLED):
        yield invitation, invitation.session.starts_at


def _still_on(invitation):
    invitation.refresh_from_db(fields=["state"])
    session = invitation.session
    return (invitation.state in (State.ACCEPTED, State.CONFIRMED) and session is not None
            and not session.is_cancelled and session.starts_at > timezone.now())


def practical_message(invitation, offset):
    if not _still_on(invitation):
        return None
    when, where = mail.when_where(invitation)
    days = "tomorrow" if offset <= DAY else f"in {offset.days} days"
    from .ics import invitation_ics

    options = {"attachments": [("guest-lecture.ics", invitation_ics(invitation), "text/calendar")]}
    return ReminderMessage(
        to=[invitation.lecturer.email],
        context={**mail.base_context(invitation), "when": when, "where": where, "days": days,
                 "directions": mail.directions(invitation), "link": link_for(invitation)},
        reply_to=[invitation.host.email],
        **options,
    )


def students_of(invitation):
    from curriculum.models import Enrolment

    session = invitation.session
    enrolments = Enrolment.objects.filter(
        cohort__in=session.cohorts.all(), status=Enrolment.Status.ACTIVE, student__is_active=True,
    ).select_related("student").order_by("student_id")
    return list({e.student_id: e.student for e in enrolments}.values())


def students_message(invitation, offset):
    """One mail per student (nobody sees the others' addresses), queued here; the
    engine's own mail is the host's copy saying how many were told."""
    if not _still_on(invitation):
        return None

    when, where = mail.when_where(invitation)
    lecturer = invitation.lecturer
    profile = absolute(lecturer.get_absolute_url() if lecturer.public_profile_consent
                       else invitation.offering.module.get_absolute_url())
    context = {
        "lecturer": lecturer.full_name, "headline": lecturer.headline or "guest lecturer",
        "module": f"{invitation.offering.module.code} {invitation.offering.module.title}",
        "topic": invitation.topic, "when": when, "where": where, "profile": profile,
    }
    students = students_of(invitation)
    with transaction.atomic():
        for student in students:
            queue_email(
                purpose=mail.STUDENTS_NOTE, to=[student], context={**context, "name": student.get_short_name()},
                idempotency_key=f"lecturers:invitation:{invitation.pk}:students:{invitation.session_id}:{student.pk}",
                subject_objects=[invitation],
            )
    host = invitation.host
    return ReminderMessage(
        to=[host],
        context={"host_name": host.get_short_name(), "lecturer": lecturer.full_name, "module": context["module"],
                 "topic": invitation.topic, "what": "speaks tomorrow",
                 "details": f"We have reminded {len(students)} student{'s' if len(students) != 1 else ''} "
                            f"of the module. {when}, {where}.",
                 "link": mail.staff_link(invitation)},
    )


# Thanks ---------------------------------------------------------------------------


def delivered_due(start, end):
    for invitation in _queryset().filter(
        state=State.DELIVERED, session__ends_at__gte=start, session__ends_at__lt=end,
    ):
        yield invitation, invitation.session.ends_at


def thanks_message(invitation, offset):
    """The thank-you, and the move to "thanked" in the engine's transaction."""
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related(
        "lecturer", "offering__module", "host").get(pk=invitation.pk)
    if invitation.state != State.DELIVERED:
        return None  # staff thanked them already, or it was not delivered
    from .services import _transition

    _transition(invitation, State.THANKED, by=SYSTEM, note="Thank-you sent the day after the lecture.")
    return ReminderMessage(to=[invitation.lecturer.email], context=mail.base_context(invitation),
                           reply_to=[invitation.host.email])


def register():
    register_reminder_source(
        "lecturers.chase", label="Guest-lecture invitations unanswered after five days", purpose=mail.CHASE,
        offsets=(-CHASE_AFTER,), due_between=unanswered_due, message=chase_message,
        grace=datetime.timedelta(days=2),
    )
    register_reminder_source(
        "lecturers.practical", label="Practical details to guest lecturers, 7 days and 1 day before",
        purpose=mail.PRACTICAL, offsets=PRACTICAL_BEFORE, due_between=lectures_due, message=practical_message,
        grace=datetime.timedelta(hours=12),
    )
    register_reminder_source(
        "lecturers.students", label="Students told of tomorrow's guest lecture", purpose=mail.STAFF_UPDATE,
        offsets=(STUDENTS_BEFORE,), due_between=lectures_due, message=students_message,
        grace=datetime.timedelta(hours=12),
    )
    register_reminder_source(
        "lecturers.thanks", label="Thank-you the day after a guest lecture", purpose=mail.THANKS,
        offsets=(-THANKS_AFTER,), due_between=delivered_due, message=thanks_message,
        grace=datetime.timedelta(days=3),
    )
