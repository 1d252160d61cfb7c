"""The calendar entry a lecturer gets for their lecture (attached to mail, and on their link page).

It has the same UID as the session in the timetable's feeds, so a calendar that
holds both keeps one entry, and SEQUENCE follows the session's so a moved
lecture replaces the old time.
"""

from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from timetable.timezones import default_zone

from .mail import directions, when_where


def uid_for(session):
    host = urlsplit(settings.SITE_URL).hostname or "mpt"
    return f"session-{session.uid}@{host}"


def invitation_ics(invitation) -> bytes:
    session = invitation.session
    zone = default_zone()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//MPT//Guest lectures//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid_for(session))
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", timezone.localtime(session.starts_at, zone))
    event.add("dtend", timezone.localtime(session.ends_at, zone))
    module = invitation.offering.module
    cancelled = session.is_cancelled or invitation.state == invitation.State.CANCELLED
    event.add("summary", f"{'Cancelled: ' if cancelled else ''}Guest lecture: {invitation.topic} ({module.code})")
    _when, where = when_where(invitation)
    event.add("location", where)
    host = invitation.host
    event.add("description", "\n\n".join([
        f"{module.code} {module.title}", directions(invitation),
        f"On the day: {host.full_name or host.email}, {host.email}",
    ]))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
