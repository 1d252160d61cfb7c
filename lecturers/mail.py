"""The mail the lecturers app sends: purposes registered with notifications, and their context.

Staff can reword every one at /staff/outbox/templates/. Each state change names
its mail in lecturers.services; reminders are in lecturers.reminders.
"""

from django.conf import settings

from core.links import absolute_url

from .dates import span_text_with_zone

GROUP = "Guest lecturers"

INVITATION = "lecturers.invitation"
NEW_LINK = "lecturers.new_link"
ACCEPTED = "lecturers.accepted"
DECLINED = "lecturers.declined"
ALTERNATIVE = "lecturers.alternative"
CONFIRMED = "lecturers.confirmed"
CANCELLED = "lecturers.cancelled"
STAFF_UPDATE = "lecturers.staff_update"
CHASE = "lecturers.chase"
PRACTICAL = "lecturers.practical"
STUDENTS_NOTE = "lecturers.students_note"
THANKS = "lecturers.thanks"

SAMPLE = {
    "name": "Dr Amara Osei",
    "module": "MPT7003 Designing Public Services",
    "topic": "What a benefits claimant sees: designing with people in crisis",
    "host_name": "Jo Bell",
    "host_email": "jo.bell@example.ac.uk",
    "link": "https://mpt.example.ac.uk/lecturers/invitation/eyJpIjo.../",
    "expires": "Friday 18 December 2026",
    "slots": ("- Tuesday 3 February 2027, 14:00\N{EN DASH}15:30 (UK time), Room B12\n"
              "- Thursday 5 February 2027, 10:00\N{EN DASH}11:30"),
    "message": "We would love the students to hear how your team rebuilt the claim form.",
    "when": "Tuesday 3 February 2027, 14:00\N{EN DASH}15:30 (UK time (Europe/London))",
    "where": "Room B12, Bush House",
    "directions": "Come to the Bush House reception on the Strand; Jo will meet you there.",
    "reason": "The module has moved to the spring term.",
    "note": "Any Thursday in February would suit me.",
    "lecturer": "Dr Amara Osei",
    "what": "accepted the invitation",
    "details": "AV: HDMI adapter for a Mac. Travel: train from Leeds, return.",
    "days": "in 7 days",
    "headline": "Head of Service Design, Department for Work and Pensions",
    "profile": "https://mpt.example.ac.uk/lecturers/amara-osei/",
}


def _sample(*keys):
    return {k: SAMPLE[k] for k in keys}


def _placeholders(**described):
    return described


NAME = "The lecturer's name as on their profile"
MODULE = "The module's code and title"
TOPIC = "The topic of the guest lecture"
HOST = "The member of staff hosting the lecturer"
HOST_EMAIL = "The host's email address"
LINK = "The lecturer's personal invitation link"
WHEN = "Day, date and time of the lecture, with the time zone"
WHERE = "The room and building, or “Online” with the link"


def register():
    from notifications.registry import Kind, register_purpose

    common = {"group": GROUP}
    register_purpose(
        INVITATION, label="Invitation to give a guest lecture", kind=Kind.REQUEST, asks_for_action=True,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, host_name=HOST, host_email=HOST_EMAIL,
                                   slots="The times offered, one a line, with rooms",
                                   message="A personal note from staff",
                                   link=LINK, expires="The last day the link works"),
        sample_context=_sample("name", "module", "topic", "host_name", "host_email", "slots", "message", "link",
                               "expires"),
        subject="Would you give a guest lecture on {module}?",
        body=(
            "Dear {name},\n\n{message}\n\n"
            "We would like to invite you to give a guest lecture to students of {module} on "
            "“{topic}”. These times would work for us:\n\n{slots}\n\n"
            "Choose a time, tell us none of them suits and propose another, or decline, here "
            "(no account needed):\n\n{link}\n\nThe link works until {expires}.\n\n"
            "You are receiving this because {host_name} would like to host you. "
            "Questions: {host_name}, {host_email}.\n"
        ),
        **common,
    )
    register_purpose(
        NEW_LINK, label="A new invitation link", kind=Kind.REQUEST, asks_for_action=True,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, link=LINK,
                                   expires="The last day the link works", host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "link", "expires", "host_name", "host_email"),
        subject="Your new link for the guest lecture on {module}",
        body=(
            "Dear {name},\n\nHere is a new link to your invitation to speak on “{topic}” ({module}). "
            "Earlier links no longer work.\n\n{link}\n\nIt works until {expires}.\n\n"
            "Questions: {host_name}, {host_email}.\n"
        ),
        **common,
    )
    register_purpose(
        ACCEPTED, label="Lecturer chose a time (acknowledgement)", kind=Kind.ACKNOWLEDGEMENT, asks_for_action=True,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, when=WHEN, where=WHERE, link=LINK,
                                   host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "when", "where", "link", "host_name", "host_email"),
        subject="Thank you: your guest lecture on {when}",
        body=(
            "Dear {name},\n\nThank you for agreeing to speak on “{topic}” ({module}). "
            "We have put it in the timetable:\n\n{when}\n{where}\n\n"
            "One last step: confirm your biography, photo, whether we may record the lecture, and what you need "
            "on the day (equipment, access, travel):\n\n{link}\n\n"
            "Questions: {host_name}, {host_email}.\n"
        ),
        **common,
    )
    register_purpose(
        DECLINED, label="Lecturer declined (acknowledgement)", kind=Kind.ACKNOWLEDGEMENT,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "host_name", "host_email"),
        subject="We have your answer about {module}",
        body=(
            "Dear {name},\n\nThank you for letting us know that you cannot speak on “{topic}” ({module}). "
            "We have released the times we were holding. We hope to ask you again another year.\n\n"
            "{host_name}, {host_email}\n"
        ),
        **common,
    )
    register_purpose(
        ALTERNATIVE, label="Lecturer proposed another time (acknowledgement)", kind=Kind.ACKNOWLEDGEMENT,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, note="What they proposed",
                                   host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "note", "host_name", "host_email"),
        subject="We have your proposed time for {module}",
        body=(
            "Dear {name},\n\nThank you. We have passed on what you proposed for “{topic}” ({module}):\n\n"
            "{note}\n\n{host_name} will look at the timetable and send you new times by email.\n\n"
            "{host_name}, {host_email}\n"
        ),
        **common,
    )
    register_purpose(
        CONFIRMED, label="Guest lecture confirmed, with practical details", kind=Kind.INFORMATION,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, when=WHEN, where=WHERE,
                                   directions="How to find the room, and who meets them", link=LINK,
                                   host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "when", "where", "directions", "link", "host_name",
                               "host_email"),
        subject="Confirmed: your guest lecture on {when}",
        body=(
            "Dear {name},\n\nYour guest lecture on “{topic}” ({module}) is confirmed.\n\n"
            "**When:** {when}\n\n**Where:** {where}\n\n{directions}\n\n"
            "A calendar entry is attached. You can change your details until the day:\n\n{link}\n\n"
            "On the day, contact {host_name}, {host_email}.\n"
        ),
        **common,
    )
    register_purpose(
        CANCELLED, label="Guest lecture cancelled (to the lecturer)", kind=Kind.INFORMATION,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, reason="Why, as staff wrote it",
                                   host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "reason", "host_name", "host_email"),
        subject="Cancelled: guest lecture on {module}",
        body=(
            "Dear {name},\n\nThe guest lecture on “{topic}” ({module}) is cancelled.\n\n"
            "Reason: {reason}\n\nIf you made travel bookings, tell {host_name} ({host_email}) "
            "and we will refund them. We are sorry for the trouble.\n"
        ),
        **common,
    )
    register_purpose(
        STAFF_UPDATE, label="News of an invitation (to its host)", kind=Kind.INFORMATION,
        placeholders=_placeholders(host_name=HOST, lecturer="The lecturer's name", module=MODULE, topic=TOPIC,
                                   what="What happened, e.g. “accepted the invitation”",
                                   details="Their answer, needs or reason", link="The invitation's staff page"),
        sample_context=_sample("host_name", "lecturer", "module", "topic", "what", "details", "link"),
        subject="{lecturer} {what} ({module})",
        body=(
            "Hello {host_name},\n\n{lecturer} {what}: “{topic}”, {module}.\n\n{details}\n\n"
            "The invitation: {link}\n\nYou are receiving this because you host this guest lecture.\n"
        ),
        **common,
    )
    register_purpose(
        CHASE, label="Reminder: invitation unanswered", kind=Kind.REMINDER, asks_for_action=True,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, link=LINK,
                                   expires="The last day the link works", host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "link", "expires", "host_name", "host_email"),
        subject="Could you answer our invitation to speak on {module}?",
        body=(
            "Dear {name},\n\nA few days ago we invited you to speak on “{topic}” ({module}). "
            "We are holding the times for you; could you let us know? It takes a minute, no account needed:\n\n"
            "{link}\n\nThe link works until {expires}. Questions: {host_name}, {host_email}.\n"
        ),
        **common,
    )
    register_purpose(
        PRACTICAL, label="Reminder: practical details before the lecture", kind=Kind.REMINDER,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, when=WHEN, where=WHERE,
                                   directions="How to find the room, and who meets them",
                                   days="“in 7 days” or “tomorrow”",
                                   link=LINK, host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "when", "where", "directions", "days", "link",
                               "host_name", "host_email"),
        subject="Your guest lecture {days}: {when}",
        body=(
            "Dear {name},\n\nWe look forward to your lecture on “{topic}” ({module}) {days}.\n\n"
            "**When:** {when}\n\n**Where:** {where}\n\n{directions}\n\n"
            "**On the day:** {host_name}, {host_email}.\n\n"
            "A calendar entry is attached; your details and the calendar file are also here:\n\n{link}\n"
        ),
        **common,
    )
    register_purpose(
        STUDENTS_NOTE, label="Guest lecture tomorrow (to the module's students)", kind=Kind.INFORMATION,
        placeholders=_placeholders(name="The student's short name", lecturer="The lecturer's name",
                                   headline="Their role and organisation", module=MODULE, topic=TOPIC, when=WHEN,
                                   where=WHERE, profile="Their public profile, or the module page"),
        sample_context={**_sample("lecturer", "headline", "module", "topic", "when", "where", "profile"),
                        "name": "Sam"},
        subject="Tomorrow: guest lecture by {lecturer}",
        body=(
            "Hello {name},\n\nTomorrow {lecturer} ({headline}) gives a guest lecture on “{topic}” "
            "for {module}.\n\n**When:** {when}\n\n**Where:** {where}\n\nMore: {profile}\n\n"
            "You are receiving this because you are enrolled on a programme that includes this module.\n"
        ),
        **common,
    )
    register_purpose(
        THANKS, label="Thank you after the lecture", kind=Kind.INFORMATION,
        placeholders=_placeholders(name=NAME, module=MODULE, topic=TOPIC, host_name=HOST, host_email=HOST_EMAIL),
        sample_context=_sample("name", "module", "topic", "host_name", "host_email"),
        subject="Thank you for your lecture on {module}",
        body=(
            "Dear {name},\n\nThank you for speaking to our students on “{topic}” ({module}). "
            "Guest lecturers from many disciplines are what this programme is built on, and your time "
            "made a difference.\n\nIf you have expenses to claim, reply to {host_name} ({host_email}).\n"
        ),
        **common,
    )


# Context builders ------------------------------------------------------------


def host_context(invitation):
    host = invitation.host
    return {"host_name": host.full_name or host.email, "host_email": host.email}


def base_context(invitation):
    return {
        "name": invitation.lecturer.full_name,
        "module": f"{invitation.offering.module.code} {invitation.offering.module.title}",
        "topic": invitation.topic,
        **host_context(invitation),
    }


def when_where(invitation):
    """When and where of the chosen slot (or of its session, which staff may have moved)."""
    session = invitation.session
    source = session if session is not None else invitation.chosen_slot
    when = span_text_with_zone(source.starts_at, source.ends_at)
    room = source.room if source.room_id else None
    if room is not None:
        where = room.label + (f", {room.building}" if room.building else "")
    else:
        where = f"Online: {source.online_url}" if source.online_url else "Online"
    return when, where


DEFAULT_DIRECTIONS = (
    "Please come to the main reception 15 minutes before the start and ask for {host}, "
    "who will meet you and take you to the room. Bring photo ID for your visitor pass."
)


def visitor_directions():
    """Arrival instructions for visitors (settings.LECTURERS_VISITOR_DIRECTIONS; "{host}" is the host's name)."""
    return getattr(settings, "LECTURERS_VISITOR_DIRECTIONS", "") or DEFAULT_DIRECTIONS


def directions(invitation):
    source = invitation.session or invitation.chosen_slot
    parts = [visitor_directions().format(host=invitation.host.full_name or invitation.host.email)]
    room = source.room if source.room_id else None
    if room is not None and room.accessibility_notes:
        parts.append(f"Access: {room.accessibility_notes}")
    if room is not None and room.equipment_notes:
        parts.append(f"In the room: {room.equipment_notes}")
    if room is None:
        parts = [f"The lecture is online; {invitation.host.full_name or 'your host'} will let you in."]
    return "\n\n".join(parts)


def staff_link(invitation):
    return absolute_url("lecturers:invitation-detail", invitation.pk)
