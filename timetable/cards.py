"""A session's card on the week pages, rendered once in Python.

A busy week has 500 sessions, each shown in the grid and in the list. Each card
is built here once per request as a string, and each day (public page) or cell
(staff grid) is joined into one safe string, so the template renders one value
per day or cell instead of one per session. What many sessions share is built
once per request, not once per session: the time line (a week has a few dozen
distinct start and end times, so each is converted to the zone and formatted
once), the “MPT7001 lecture” label, the module's title, the room's name and the
links (reversed once as a pattern, the id spliced in). Every value from the database goes through
`html.escape`.
"""

import uuid
from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe

_ZERO = str(uuid.UUID(int=0))
_NINES = 999999999


def _url_around(name, arg):
    """A reversed URL split around its argument: ("/timetable/sessions/", "/")."""
    url = reverse(name, args=[arg])
    head, _, tail = url.partition(str(arg))
    return head, tail


class _Times:
    """`<p class="tt-time">…</p>` for a (start, end) pair, converted to the zone and formatted once each."""

    def __init__(self, zone):
        self.zone = zone
        self.lines = {}

    def line(self, starts_at, ends_at):
        key = (starts_at, ends_at)
        text = self.lines.get(key)
        if text is None:
            start, end = starts_at.astimezone(self.zone), ends_at.astimezone(self.zone)
            text = self.lines[key] = (
                f'<p class="tt-time"><time datetime="{start.isoformat()}">{start:%H:%M}</time>\u2013'
                f'<time datetime="{end.isoformat()}">{end:%H:%M}</time></p>'
            )
        return text


def attach_cards(sessions, zone, *, staff=False, by="room"):
    """Set `session.card` (a string of escaped HTML) on each WeekSession row; returns the rows.

    Cards are joined into safe HTML by `day_list_html`/`day_grid_html` (public
    page) and `attach_cell_html` (staff grid).
    """
    detail_head, detail_tail = _url_around("timetable:session-detail", _ZERO)
    edit_head, edit_tail = _url_around("timetable:session-edit", _NINES)
    series_head, series_tail = _url_around("timetable:series-detail", _NINES)
    times = _Times(zone)
    labels = {}  # (module code, kind) -> escaped “MPT7001 lecture”
    modules = {}  # module code -> the escaped line naming the module
    places = {}  # room id -> “Room B12” / “Online”
    lines = {}  # (place, teachers) -> the escaped detail line, or ""
    cancelled, moved = "cancelled", "moved"
    for s in sessions:
        key = (s.module_code, s.kind)
        what = labels.get(key)
        if what is None:
            what = labels[key] = escape(f"{s.module_code} {s.kind_label.lower()}")
        module = modules.get(s.module_code)
        if module is None:
            # The whole title is in the page (read out in full, shown in full on
            # focus or hover); CSS only shortens it to two lines in a narrow cell.
            module = modules[s.module_code] = f'<p class="tt-module">{escape(s.module_title)}</p>'
        place = places.get(s.room_id)
        if place is None:
            place = places[s.room_id] = s.where
        teachers = ", ".join([name for _, name in s.teachers]) if s.teachers else ""
        line_key = (teachers if by == "room" else place) if staff else (place, teachers)
        detail_line = lines.get(line_key)
        if detail_line is None:
            text = line_key if staff else (place + (f" \u00b7 {teachers}" if teachers else ""))
            detail_line = lines[line_key] = f'<p class="tt-where">{escape(text)}</p>' if text else ""
        status = s.status
        is_cancelled = status == cancelled
        edit = staff and not is_cancelled
        link = f"{edit_head}{s.pk}{edit_tail}" if edit else f"{detail_head}{s.uid}{detail_tail}"
        extra = topic = ""
        if staff:
            if not s.is_published:
                extra = ' <span class="status-tag status-tag--draft">Not published</span>'
        elif s.title:
            topic = f'<p class="tt-title">{escape(s.title)}</p>'
        if is_cancelled:
            reason = "" if staff else f" {escape(s.cancel_reason)}"
            state = ('<p class="tt-status"><strong class="status-tag status-tag--cancelled">Cancelled</strong>'
                     f"{reason}</p>")
        elif status == moved:
            state = '<p class="tt-status"><strong class="status-tag status-tag--moved">Moved</strong></p>'
        else:
            state = ""
        series = ""
        if staff and s.series_id:
            series = (f'<p class="tt-series"><a href="{series_head}{s.series_id}{series_tail}">Series'
                      f'<span class="visually-hidden"> of {what}</span></a></p>')
        s.card = (
            f'<article class="tt-session tt-kind-{s.kind}{" tt-cancelled" if is_cancelled else ""}">'
            f"{times.line(s.starts_at, s.ends_at)}"
            f'<p class="tt-what"><a href="{link}">{what}</a>{extra}</p>'
            f"{module}{topic}{detail_line}{state}{series}</article>"
        )
    return sessions


def day_list_html(sessions):
    """The list view's items for one day: `<li>` per card, as safe HTML."""
    # Safe: the cards are built by attach_cards, which escapes every value from the database.
    return mark_safe("".join([f"<li>{s.card}</li>" for s in sessions]))


def day_grid_html(sessions):
    """The grid's cell for one day: its cards, or a dash when there are none, as safe HTML."""
    # Safe: as above.
    return mark_safe("".join([s.card for s in sessions]) if sessions else '<span class="text-muted">\u2014</span>')


def attach_cell_html(rows, *, by):
    """Set `row.cells_html` on each row of the staff grid: a `<td>` per day, with its cards and an “Add” link."""
    add = reverse("timetable:session-create")
    days = {}  # date -> (its ISO form, “Monday 5 October”)
    for row in rows:
        room = f"&amp;room={row.key}" if by == "room" and row.key else ""
        where = f" in {escape(row.label)}" if by == "room" else ""
        cells = []
        for cell in row.cells:
            date = cell.date
            if date not in days:
                days[date] = (date.isoformat(), f"{date:%A} {date.day} {date:%B}")
            iso, day = days[date]
            cards = "".join([session.card for session in cell.sessions])
            cells.append(f'<td>{cards}<a class="tt-add" href="{add}?date={iso}{room}">Add'
                         f'<span class="visually-hidden"> a session on {day}{where}</span></a></td>')
        # Safe: the cards are built by attach_cards; the label is escaped.
        row.cells_html = mark_safe("".join(cells))
    return rows
