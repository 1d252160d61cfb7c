"""Guest-lecturer use cases: profiles, invitations and every change of an invitation's state.

`by` says who acts:
- a User: a member of staff (checked again here with can_manage_lecturers);
- VIA_LINK: the lecturer, through their signed link (the view checked the token;
  only the lecturer's own answers accept it);
- core.access.SYSTEM: a scheduled job (marking lectures delivered, the thank-you reminder).

`by` has no default; None is refused. The timetable is booked and released as
SYSTEM, once this app has authorised whoever acted.

Every change of state writes an InvitationEvent (who, when) and queues the mail
it implies through notifications.queue_email in the same transaction, so a
change that fails sends nothing. Accepting books the session through
timetable.services.session_create with the guest as an extra resource, so the
timetable's clash rules (and on PostgreSQL its exclusion constraint) apply to
the guest as to a room or a member of staff.
"""

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.access import SYSTEM, check
from curriculum.models import Cohort
from notifications.services import queue_email
from timetable.clashes import ClashError, Resource, find_clashes, standard_resources
from timetable.models import Session, SessionKind
from timetable.services import session_cancel, session_create

from . import mail
from .dates import span_text_with_zone
from .models import GuestLecturer, Invitation, InvitationEvent, InvitationSlot, new_nonce
from .permissions import can_manage_lecturers
from .tokens import link_for

State = Invitation.State

# Booking kinds this app adds to the timetable (timetable.models.Booking.resource_kind).
GUEST = "guest"
# One guest lecture per module offering at a time: two lecturers offered the same
# slot cannot both take it, even online and with no cohort booked.
GUEST_SLOT = "guest_slot"

LINK_DAYS = 21          # an invitation's link works this long after it is sent
LINK_AFTER_LECTURE = 30  # and, once a time is chosen, until this many days after the lecture
MAX_SLOTS = 3


class Via(enum.Enum):
    LINK = "link"


VIA_LINK = Via.LINK


class InvalidTransition(ValidationError):
    """The invitation is not in a state that allows this."""


class SlotTaken(ValidationError):
    """The chosen slot can no longer be booked; `.reasons` say why in plain words."""

    def __init__(self, reasons):
        self.reasons = list(reasons)
        super().__init__(self.reasons or ["That time was taken a moment ago."])


@dataclass(frozen=True)
class SlotSpec:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    room: object = None
    online_url: str = ""


# Helpers -----------------------------------------------------------------------


def _authorise(by, *, link_allowed=False):
    if by is VIA_LINK:
        if link_allowed:
            return
        raise PermissionDenied("Only staff can do this.")
    check(by, can_manage_lecturers, message="Only staff manage guest lecturers.")


def _actor(by, invitation):
    if by is VIA_LINK:
        return None, f"{invitation.lecturer.full_name} (through their invitation link)"
    if by is SYSTEM:
        return None, "Automatically"
    return by, by.full_name or by.email


def _transition(invitation, to_state, *, by, note="", allowed=None):
    if allowed is not None and invitation.state not in allowed:
        raise InvalidTransition(
            f"This invitation is {invitation.get_state_display().lower()}; it can no longer be "
            f"{State(to_state).label.lower()}."
        )
    actor, label = _actor(by, invitation)
    event = InvitationEvent.objects.create(
        invitation=invitation, from_state=invitation.state, to_state=to_state, actor=actor, actor_label=label,
        note=note,
    )
    invitation.state = to_state
    invitation.save()
    return event


def _lock(invitation):
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("lecturer", "offering__module", "offering__term", "host", "session__room",
                        "chosen_slot__room")
        .get(pk=invitation.pk)
    )


def offering_cohorts(offering):
    """The cohorts that study this offering: its year's cohorts of programmes that include the module."""
    return list(
        Cohort.objects.filter(academic_year_id=offering.academic_year_id,
                              programme__placements__module_id=offering.module_id)
        .distinct()
        .order_by("pk")
    )


def guest_resources(*, lecturer, offering):
    return [
        Resource(GUEST, lecturer.pk, lecturer.full_name),
        Resource(GUEST_SLOT, offering.pk, f"The {offering.module.code} guest-lecture slot"),
    ]


def slot_clashes(*, lecturer, offering, host, slot, exclude_session_ids=()):
    """Plain-words reasons this slot cannot be booked now (empty when it can)."""
    if slot.ends_at <= slot.starts_at:
        return ["The lecture must end after it starts."]
    resources = [
        *standard_resources(offering=offering, room=slot.room, teachers=[host], cohorts=offering_cohorts(offering)),
        *guest_resources(lecturer=lecturer, offering=offering),
    ]
    clashes = find_clashes(resources=resources, starts_at=slot.starts_at, ends_at=slot.ends_at,
                           exclude_session_ids=exclude_session_ids)
    return [clash.message for clash in clashes]


def _check_slots(*, lecturer, offering, host, slots):
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise ValidationError(f"Offer one to {MAX_SLOTS} times.")
    problems = []
    for number, slot in enumerate(slots, start=1):
        if slot.room is None and not slot.online_url:
            problems.append(f"Time {number}: choose a room, or give the link of an online lecture.")
            continue
        problems += [f"Time {number}: {reason}" for reason in
                     slot_clashes(lecturer=lecturer, offering=offering, host=host, slot=slot)]
    if problems:
        raise ValidationError(problems)


def _slots_text(invitation):
    lines = []
    for slot in invitation.slots.filter(withdrawn=False).select_related("room"):
        where = f", {slot.room.label}" if slot.room_id else ", online"
        lines.append(f"- {span_text_with_zone(slot.starts_at, slot.ends_at)}{where}")
    return "\n".join(lines)


def _expires_text(invitation):
    moment = timezone.localtime(invitation.link_expires_at)
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def _to_lecturer(invitation, purpose, key, extra=None, attachments=()):
    queue_email(
        purpose=purpose,
        to=[invitation.lecturer.email],
        context={**mail.base_context(invitation), **(extra or {})},
        idempotency_key=f"lecturers:invitation:{invitation.pk}:{key}",
        subject_objects=[invitation],
        reply_to=[invitation.host.email],
        attachments=attachments,
    )


def _to_host(invitation, key, *, what, details=""):
    host = invitation.host
    queue_email(
        purpose=mail.STAFF_UPDATE,
        to=[host],
        context={
            "host_name": host.get_short_name(),
            "lecturer": invitation.lecturer.full_name,
            "module": f"{invitation.offering.module.code} {invitation.offering.module.title}",
            "topic": invitation.topic,
            "what": what,
            "details": details or "No further details.",
            "link": mail.staff_link(invitation),
        },
        idempotency_key=f"lecturers:invitation:{invitation.pk}:host:{key}",
        subject_objects=[invitation],
    )


# Profiles ----------------------------------------------------------------------

PROFILE_FIELDS = (
    "full_name", "organisation", "role", "topics", "bio", "links", "email", "phone", "access_needs", "staff_notes",
    "public_profile_consent",
)


def _unique_slug(name, *, exclude_pk=None):
    base = slugify(name)[:180] or "lecturer"
    slug, n = base, 2
    while GuestLecturer.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_email(email, *, exclude_pk=None):
    email = (email or "").strip()
    if GuestLecturer.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists():
        raise ValidationError({"email": "A lecturer with this email address already has a profile: invite them "
                                        "from their profile instead of making a second one."})
    return email


def _apply_photo(lecturer, photo, remove_photo):
    if remove_photo and lecturer.photo:
        lecturer.photo.delete(save=False)
    if photo is not None:
        if lecturer.photo:
            lecturer.photo.delete(save=False)
        lecturer.photo.save(photo.name, photo, save=False)


@transaction.atomic
def lecturer_create(*, by, disciplines=(), photo=None, **fields) -> GuestLecturer:
    """Create a profile. `photo` must already be cleaned (lecturers.photos.clean_photo).

    Side effects: a GuestLecturer row (with history) and its photo file.
    Raises ValidationError when the email already has a profile.
    """
    _authorise(by)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"lecturer_create() got unknown fields {sorted(unknown)}")
    fields["email"] = _check_email(fields.get("email"))
    lecturer = GuestLecturer(**fields, slug=_unique_slug(fields["full_name"]), created_by=by)
    if lecturer.public_profile_consent:
        lecturer.consent_changed_at = timezone.now()
    _apply_photo(lecturer, photo, False)
    lecturer.save()
    lecturer.disciplines.set(disciplines)
    return lecturer


@transaction.atomic
def lecturer_update(*, lecturer, by, disciplines=None, photo=None, remove_photo=False, **fields) -> GuestLecturer:
    """Change a profile (staff, or the lecturer through their link for their own details).

    Side effects: the row saved (with history); an old photo file removed when replaced.
    """
    _authorise(by, link_allowed=True)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"lecturer_update() got unknown fields {sorted(unknown)}")
    lecturer = GuestLecturer.objects.select_for_update(of=("self",)).get(pk=lecturer.pk)
    if "email" in fields:
        fields["email"] = _check_email(fields["email"], exclude_pk=lecturer.pk)
    if "public_profile_consent" in fields and fields["public_profile_consent"] != lecturer.public_profile_consent:
        lecturer.consent_changed_at = timezone.now()
    for name, value in fields.items():
        setattr(lecturer, name, value)
    _apply_photo(lecturer, photo, remove_photo)
    lecturer.save()
    if disciplines is not None:
        lecturer.disciplines.set(disciplines)
    return lecturer


# Invitations -------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, lecturer, offering, topic, host, slots: Sequence[SlotSpec], message="", by,
                      send=False) -> Invitation:
    """A draft invitation with one to three slots; sent at once when `send`.

    Each slot is checked against the timetable (room, host, the module's cohorts,
    the guest, other guest lectures of the offering); a clash refuses the whole
    invitation in plain words and nothing is saved. Side effects: Invitation,
    InvitationSlot rows, an event; with `send`, as invitation_send.
    """
    _authorise(by)
    slots = list(slots)
    _check_slots(lecturer=lecturer, offering=offering, host=host, slots=slots)
    invitation = Invitation.objects.create(
        lecturer=lecturer, offering=offering, topic=topic.strip(), host=host, message=message.strip(),
        created_by=by,
    )
    _add_slots(invitation, slots, round=1)
    actor, label = _actor(by, invitation)
    InvitationEvent.objects.create(invitation=invitation, to_state=State.DRAFT, actor=actor, actor_label=label)
    if send:
        invitation_send(invitation=invitation, by=by)
        invitation.refresh_from_db()
    return invitation


def _add_slots(invitation, slots, *, round):
    InvitationSlot.objects.bulk_create(
        InvitationSlot(invitation=invitation, round=round, starts_at=s.starts_at, ends_at=s.ends_at, room=s.room,
                       online_url=s.online_url or "")
        for s in slots
    )


def _current_slots(invitation):
    return [
        SlotSpec(s.starts_at, s.ends_at, s.room, s.online_url)
        for s in invitation.slots.filter(withdrawn=False).select_related("room")
    ]


@transaction.atomic
def invitation_send(*, invitation, by) -> Invitation:
    """Send a draft: draft → invited.

    Side effects: the slots checked again (a clash refuses); the link's
    expiry set LINK_DAYS ahead; an event; the invitation mail to the lecturer.
    """
    _authorise(by)
    invitation = _lock(invitation)
    if invitation.state != State.DRAFT:
        raise InvalidTransition("This invitation has already been sent.")
    _check_slots(lecturer=invitation.lecturer, offering=invitation.offering, host=invitation.host,
                 slots=_current_slots(invitation))
    now = timezone.now()
    invitation.invited_at = now
    invitation.link_expires_at = now + datetime.timedelta(days=LINK_DAYS)
    invitation.round = 1
    _transition(invitation, State.INVITED, by=by)
    _send_invitation_mail(invitation)
    return invitation


def _send_invitation_mail(invitation):
    _to_lecturer(invitation, mail.INVITATION, f"invited:{invitation.round}", {
        "slots": _slots_text(invitation),
        "message": invitation.message or "I hope this finds you well.",
        "link": link_for(invitation),
        "expires": _expires_text(invitation),
    })


@transaction.atomic
def invitation_offer_new_times(*, invitation, slots: Sequence[SlotSpec], message="", by) -> Invitation:
    """Replace the times offered (after the lecturer proposed another, or before they answer).

    Side effects: earlier slots withdrawn, new ones added and checked, the
    link's expiry renewed, state → invited, an event, a new invitation mail.
    """
    _authorise(by)
    invitation = _lock(invitation)
    if invitation.state not in (State.INVITED, State.ALTERNATIVE):
        raise InvalidTransition("New times can only be offered while the lecturer has not chosen one.")
    slots = list(slots)
    _check_slots(lecturer=invitation.lecturer, offering=invitation.offering, host=invitation.host, slots=slots)
    invitation.slots.filter(withdrawn=False).update(withdrawn=True)
    invitation.round += 1
    _add_slots(invitation, slots, round=invitation.round)
    if message.strip():
        invitation.message = message.strip()
    now = timezone.now()
    invitation.invited_at = now
    invitation.link_expires_at = now + datetime.timedelta(days=LINK_DAYS)
    _transition(invitation, State.INVITED, by=by, note="New times offered.")
    _send_invitation_mail(invitation)
    return invitation


def hold_session(invitation, slot):
    """Book the guest-lecture session for `slot` through the timetable (no state change, no mail).

    The session's title is the topic only: the lecturer is named in public only
    with their consent. Raises SlotTaken naming each clash.
    """
    offering, lecturer = invitation.offering, invitation.lecturer
    try:
        session = session_create(
            offering=offering, kind=SessionKind.GUEST_LECTURE, starts_at=slot.starts_at, ends_at=slot.ends_at,
            room=slot.room, online_url=slot.online_url, teachers=[invitation.host],
            cohorts=offering_cohorts(offering), title=invitation.topic[:200],
            extra_resources=guest_resources(lecturer=lecturer, offering=offering), by=SYSTEM,
        )
    except ClashError as error:
        raise SlotTaken([clash.message for clash in error.clashes]) from None
    invitation.session = session
    invitation.chosen_slot = slot
    invitation.answered_at = timezone.now()
    invitation.link_expires_at = max(
        invitation.link_expires_at or slot.ends_at, slot.ends_at + datetime.timedelta(days=LINK_AFTER_LECTURE)
    )
    return session


@transaction.atomic
def invitation_accept(*, invitation, slot, by) -> Invitation:
    """The lecturer takes one of the offered slots: invited → accepted.

    Side effects: a guest-lecture Session created through the timetable's
    service, booking the room, the host, the module's cohorts, the guest and
    the offering's guest slot; the link extended to after the lecture; an
    event; an acknowledgement to the lecturer and a note to the host.
    Taking the slot already taken by this invitation changes nothing. A slot
    someone else holds raises SlotTaken and nothing is saved.
    """
    _authorise(by, link_allowed=True)
    invitation = _lock(invitation)
    if invitation.is_scheduled and invitation.chosen_slot_id == slot.pk:
        return invitation  # a second click, or the link used twice: nothing more to do
    if invitation.state != State.INVITED:
        raise InvalidTransition(f"This invitation is {invitation.get_state_display().lower()}; "
                                "the time can no longer be chosen here.")
    slot = invitation.slots.select_related("room").filter(pk=slot.pk, withdrawn=False).first()
    if slot is None:
        raise InvalidTransition("That time is no longer offered. Choose one of the times shown.")
    if slot.starts_at <= timezone.now():
        raise SlotTaken(["That time has already passed."])
    hold_session(invitation, slot)
    _transition(invitation, State.ACCEPTED, by=by, note=f"Chose {slot}.")
    when, where = mail.when_where(invitation)
    _to_lecturer(invitation, mail.ACCEPTED, "accepted", {"when": when, "where": where, "link": link_for(invitation)})
    _to_host(invitation, "accepted", what="accepted the invitation", details=f"{when}, {where}.")
    return invitation


@transaction.atomic
def invitation_decline(*, invitation, reason="", by) -> Invitation:
    """The lecturer declines: invited or alternative proposed → declined.

    Side effects: an event, an acknowledgement to the lecturer, a note to the host.
    """
    _authorise(by, link_allowed=True)
    invitation = _lock(invitation)
    if invitation.state == State.DECLINED:
        return invitation
    invitation.decline_reason = reason.strip()
    invitation.answered_at = timezone.now()
    _transition(invitation, State.DECLINED, by=by, note=invitation.decline_reason, allowed=Invitation.OPEN_STATES)
    _to_lecturer(invitation, mail.DECLINED, "declined")
    _to_host(invitation, "declined", what="declined the invitation",
             details=f"Their reason: {invitation.decline_reason}" if invitation.decline_reason else "")
    return invitation


@transaction.atomic
def invitation_propose_alternative(*, invitation, note, by) -> Invitation:
    """None of the times suits; the lecturer says what would: invited → alternative proposed.

    Side effects: an event, an acknowledgement to the lecturer, a note to the
    host, who offers new times (invitation_offer_new_times).
    """
    _authorise(by, link_allowed=True)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say which days or times would suit you."})
    invitation = _lock(invitation)
    invitation.alternative_note = note
    invitation.answered_at = timezone.now()
    _transition(invitation, State.ALTERNATIVE, by=by, note=note, allowed=(State.INVITED,))
    _to_lecturer(invitation, mail.ALTERNATIVE, f"alternative:{invitation.round}", {"note": note})
    _to_host(invitation, f"alternative:{invitation.round}", what="proposed another time",
             details=f"What they proposed: {note}")
    return invitation


CONFIRM_PROFILE_FIELDS = ("bio", "public_profile_consent", "access_needs", "phone")


@transaction.atomic
def invitation_confirm(*, invitation, recording_consent, av_needs="", travel="", photo=None, remove_photo=False,
                       by, **profile) -> Invitation:
    """The lecturer confirms their details: accepted → confirmed (or updates them once confirmed).

    `profile` may hold bio, public_profile_consent, access_needs and phone,
    saved on their profile. Side effects: the profile and invitation saved; on
    the first confirmation an event, the confirmation with practical details and
    an .ics to the lecturer, and the needs to the host; later changes send the
    host a note of the new needs only.
    """
    _authorise(by, link_allowed=True)
    unknown = set(profile) - set(CONFIRM_PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"invitation_confirm() got unknown fields {sorted(unknown)}")
    invitation = _lock(invitation)
    if invitation.state not in (State.ACCEPTED, State.CONFIRMED):
        raise InvalidTransition(f"This invitation is {invitation.get_state_display().lower()}; "
                                "its details can no longer be changed here.")
    lecturer_update(lecturer=invitation.lecturer, by=VIA_LINK, photo=photo, remove_photo=remove_photo, **profile)
    invitation.lecturer.refresh_from_db()
    invitation.recording_consent = recording_consent
    invitation.av_needs = av_needs.strip()
    invitation.travel = travel.strip()
    needs = _needs_text(invitation)
    if invitation.state == State.ACCEPTED:
        _transition(invitation, State.CONFIRMED, by=by)
        when, where = mail.when_where(invitation)
        from .ics import invitation_ics

        _to_lecturer(
            invitation, mail.CONFIRMED, "confirmed",
            {"when": when, "where": where, "directions": mail.directions(invitation), "link": link_for(invitation)},
            attachments=[("guest-lecture.ics", invitation_ics(invitation), "text/calendar")],
        )
        _to_host(invitation, "confirmed", what="confirmed their details", details=needs)
    else:
        invitation.save()
        stamp = timezone.now().strftime("%Y%m%d%H%M%S")
        _to_host(invitation, f"details:{stamp}", what="changed their details", details=needs)
    return invitation


def _needs_text(invitation):
    recording = {True: "yes", False: "no", None: "not answered"}[invitation.recording_consent]
    return "\n".join([
        f"Recording: {recording}.",
        f"Public profile: {'yes' if invitation.lecturer.public_profile_consent else 'no'}.",
        f"Equipment: {invitation.av_needs or 'nothing special'}.",
        f"Access: {invitation.lecturer.access_needs or 'nothing special'}.",
        f"Travel: {invitation.travel or 'nothing to arrange'}.",
    ])


CANCELLABLE = (State.DRAFT, State.INVITED, State.ALTERNATIVE, State.ACCEPTED, State.CONFIRMED)


@transaction.atomic
def invitation_cancel(*, invitation, reason, by) -> Invitation:
    """Cancel (staff), or withdraw (the lecturer through the link): → cancelled.

    Side effects: the session, if one is held, cancelled through the
    timetable's service (which tells its students and staff); an event; the
    cancellation notice to the lecturer (unless the invitation was a draft)
    and, when the lecturer withdrew, a note to the host.
    """
    _authorise(by, link_allowed=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the lecturer and the students will read it."})
    invitation = _lock(invitation)
    if invitation.state == State.CANCELLED:
        return invitation
    if by is VIA_LINK and invitation.state not in (State.ACCEPTED, State.CONFIRMED):
        raise InvalidTransition("Only a lecture you agreed to can be withdrawn from here.")
    was_draft = invitation.state == State.DRAFT
    invitation.cancel_reason = reason
    _transition(invitation, State.CANCELLED, by=by, note=reason, allowed=CANCELLABLE)
    session = invitation.session
    if session is not None and not session.is_cancelled:
        session_cancel(session=session, reason=f"The guest lecture is cancelled: {reason}",
                       by=SYSTEM if by is VIA_LINK else by)
    if not was_draft:
        _to_lecturer(invitation, mail.CANCELLED, "cancelled", {"reason": reason})
    if by is VIA_LINK:
        _to_host(invitation, "withdrawn", what="withdrew from the lecture", details=f"Their reason: {reason}")
    return invitation


@transaction.atomic
def invitation_mark_delivered(*, invitation, by) -> Invitation:
    """The lecture took place: accepted or confirmed → delivered.

    Side effects: an event. No mail: the thank-you follows (lecturers.reminders)
    a day later, or at once through invitation_thank.
    """
    _authorise(by)
    invitation = _lock(invitation)
    if invitation.state == State.DELIVERED:
        return invitation
    session = invitation.session
    if session is None or session.starts_at > timezone.now():
        raise InvalidTransition("The lecture has not started yet.")
    _transition(invitation, State.DELIVERED, by=by, allowed=(State.ACCEPTED, State.CONFIRMED))
    return invitation


@transaction.atomic
def invitation_thank(*, invitation, by) -> Invitation:
    """Thank the lecturer: delivered → thanked.

    Side effects: an event and the thank-you mail (once, whoever sends it).
    """
    _authorise(by)
    invitation = _lock(invitation)
    if invitation.state == State.THANKED:
        return invitation
    _transition(invitation, State.THANKED, by=by, allowed=(State.DELIVERED,))
    _to_lecturer(invitation, mail.THANKS, "thanks")
    return invitation


@transaction.atomic
def invitation_new_link(*, invitation, by) -> Invitation:
    """Send a new link (the old one lost or forwarded): earlier links stop working.

    Side effects: a new nonce, the expiry renewed, the new-link mail.
    """
    _authorise(by)
    invitation = _lock(invitation)
    if invitation.state in (State.DRAFT, *Invitation.FINAL_STATES):
        raise InvalidTransition("There is no open invitation to send a link for.")
    invitation.nonce = new_nonce()
    floor = timezone.now() + datetime.timedelta(days=LINK_DAYS)
    invitation.link_expires_at = max(invitation.link_expires_at or floor, floor)
    invitation.save()
    _to_lecturer(invitation, mail.NEW_LINK, f"link:{invitation.nonce}", {
        "link": link_for(invitation), "expires": _expires_text(invitation),
    })
    return invitation


def invitations_mark_delivered_due(*, now=None) -> int:
    """Mark every agreed lecture whose session has ended as delivered (beat job). Returns how many."""
    now = now or timezone.now()
    due = Invitation.objects.filter(
        state__in=(State.ACCEPTED, State.CONFIRMED), session__ends_at__lte=now,
    ).exclude(session__status=Session.Status.CANCELLED).values_list("pk", flat=True)
    count = 0
    for pk in list(due):
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update(of=("self",)).get(pk=pk)
            if invitation.state in (State.ACCEPTED, State.CONFIRMED):
                _transition(invitation, State.DELIVERED, by=SYSTEM)
                count += 1
    return count
