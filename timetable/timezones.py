"""Times on the timetable: stored in UTC, shown in the programme's zone with the zone named.

Every programme has a `timezone` (Europe/London by default). A page that shows
one programme's sessions uses its zone; other pages use settings.TIME_ZONE.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

# Ranges of times are written with an en dash, as in 10:00\u201312:00.
DASH = "\u2013"


def default_zone():
    return ZoneInfo(settings.TIME_ZONE)


def zone_for(programme=None):
    name = getattr(programme, "timezone", "") or settings.TIME_ZONE
    return ZoneInfo(name)


def zone_label(zone):
    """“UK time (Europe/London)”; other zones by their name alone."""
    key = getattr(zone, "key", str(zone))
    return "UK time (Europe/London)" if key == "Europe/London" else key


def local(moment, zone=None):
    return timezone.localtime(moment, zone or timezone.get_current_timezone())


def when_text(session, zone=None):
    """“Tue 3 Feb 10:00-12:00” (with an en dash), in the current (or given) zone."""
    start, end = local(session.starts_at, zone), local(session.ends_at, zone)
    end_text = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a} {end.day} {end:%b %H:%M}"
    return f"{start:%a} {start.day} {start:%b %H:%M}{DASH}{end_text}"


def aware(date, time, zone):
    """A wall-clock time on a date in `zone`, as an aware datetime (DST handled by zoneinfo)."""
    return datetime.datetime.combine(date, time, tzinfo=zone)


def week_monday(value=None, zone=None):
    """The Monday of an ISO week "2027-W05"; of today's week when value is empty or malformed."""
    if value:
        try:
            year, week = value.upper().split("-W")
            return datetime.date.fromisocalendar(int(year), int(week), 1)
        except (ValueError, TypeError):
            pass
    today = timezone.localdate(timezone=zone or default_zone())
    return today - datetime.timedelta(days=today.weekday())


def iso_week(monday):
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(monday, zone):
    start = aware(monday, datetime.time.min, zone)
    end = aware(monday + datetime.timedelta(days=7), datetime.time.min, zone)
    return start, end
