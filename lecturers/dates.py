"""Times as lecturers and staff read them: the weekday, the date, the time and the zone."""

from timetable.timezones import default_zone, local, zone_label


def span_text(starts_at, ends_at, zone=None):
    """“Tuesday 3 February 2027, 14:00 to 15:30”, with an en dash."""
    zone = zone or default_zone()
    start, end = local(starts_at, zone), local(ends_at, zone)
    if start.date() == end.date():
        return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}\N{EN DASH}{end:%H:%M}"
    return f"{start:%A} {start.day} {start:%B %Y} {start:%H:%M} \N{EN DASH} {end:%A} {end.day} {end:%B %Y} {end:%H:%M}"


def span_text_with_zone(starts_at, ends_at, zone=None):
    zone = zone or default_zone()
    return f"{span_text(starts_at, ends_at, zone)} ({zone_label(zone)})"


def slot_text(slot):
    return span_text(slot.starts_at, slot.ends_at)
