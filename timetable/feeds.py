"""iCalendar feeds: one VEVENT per session, with a stable UID and a rising SEQUENCE.

Times are written in the programme's zone (TZID=Europe/London) with the
matching VTIMEZONE, so calendar apps keep 10:00 at 10:00 across a clock change.
Cancelled sessions stay in the feed with STATUS:CANCELLED so that calendars
that already hold them remove or strike them.
"""

from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone

from core.links import absolute

from .timezones import default_zone


def uid_for(session):
    host = urlsplit(settings.SITE_URL).hostname or "mpt"
    return f"session-{session.uid}@{host}"


def build_calendar(sessions, *, name, zone=None):
    zone = zone or default_zone()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//MPT//Timetable//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone.key)
    for session in sessions:
        event = icalendar.Event()
        event.add("uid", uid_for(session))
        event.add("sequence", session.sequence)
        event.add("dtstamp", session.updated_at or timezone.now())
        event.add("last-modified", session.updated_at or timezone.now())
        event.add("dtstart", timezone.localtime(session.starts_at, zone))
        event.add("dtend", timezone.localtime(session.ends_at, zone))
        summary = session.name + (f": {session.title}" if session.title else "")
        if session.is_cancelled:
            summary = f"Cancelled: {summary}"
        event.add("summary", summary)
        event.add("location", session.room.label if session.room_id else (session.online_url or "Online"))
        lines = [str(session.offering.module)]
        teachers = [t.full_name for t in session.teachers.all()]
        if teachers:
            lines.append("Taught by " + ", ".join(teachers))
        if session.is_cancelled:
            lines.append(f"Cancelled: {session.cancel_reason}")
        event.add("description", "\n".join(lines))
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        event.add("url", absolute(session.get_absolute_url()))
        event.add("categories", [session.get_kind_display()])
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
