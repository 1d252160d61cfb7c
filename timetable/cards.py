"""A session's card on the week pages, rendered once in Python.

A busy week has 500 sessions, each shown in the grid and in the list; rendering
each through a template include cost seconds. Building the same HTML here costs
microseconds a card. Every value from the database goes through `html.escape`.
"""

import uuid
from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe

_ZERO = str(uuid.UUID(int=0))


def _url_pattern(name, arg):
    return reverse(name, args=[arg])


def attach_cards(sessions, zone, *, staff=False, by="room"):
    """Set `session.card` (safe HTML) on each WeekSession row; returns the rows."""
    detail = _url_pattern("timetable:session-detail", _ZERO)
    edit = _url_pattern("timetable:session-edit", 999999999)
    series = _url_pattern("timetable:series-detail", 999999999)
    for s in sessions:
        start, end = s.starts_at.astimezone(zone), s.ends_at.astimezone(zone)
        teachers = ", ".join(name for _, name in s.teachers)
        where = s.where
        what = f"{s.module_code} {s.kind_label.lower()}"
        classes = f"tt-session tt-kind-{s.kind}" + (" tt-cancelled" if s.is_cancelled else "")
        if staff and not s.is_cancelled:
            link = edit.replace("999999999", str(s.pk))
        else:
            link = detail.replace(_ZERO, str(s.uid))
        parts = [
            f'<article class="{classes}">',
            f'<p class="tt-time"><time datetime="{start.isoformat()}">{start:%H:%M}</time>\u2013'
            f'<time datetime="{end.isoformat()}">{end:%H:%M}</time></p>',
            f'<p class="tt-what"><a href="{link}">{escape(what)}</a>',
        ]
        if s.title and not staff:
            parts.append(f'<span class="tt-title">{escape(s.title)}</span>')
        if staff and not s.is_published:
            parts.append(' <span class="badge tt-badge-draft">Not published</span>')
        parts.append("</p>")
        public_line = where + (f" \u00b7 {teachers}" if teachers else "")
        detail_line = (teachers if by == "room" else where) if staff else public_line
        if detail_line:
            parts.append(f'<p class="tt-where">{escape(detail_line)}</p>')
        if s.is_cancelled:
            reason = "" if staff else f" {escape(s.cancel_reason)}"
            parts.append(f'<p class="tt-status"><strong class="badge tt-badge-cancelled">Cancelled</strong>'
                         f"{reason}</p>")
        elif s.status == "moved":
            parts.append('<p class="tt-status"><strong class="badge tt-badge-moved">Moved</strong></p>')
        if staff and s.series_id:
            parts.append(f'<p class="tt-series"><a href="{series.replace("999999999", str(s.series_id))}">Series'
                         f'<span class="visually-hidden"> of {escape(what)}</span></a></p>')
        parts.append("</article>")
        # Safe: every value from the database above went through html.escape().
        s.card = mark_safe("".join(parts))
    return sessions


def attach_cell_html(rows, *, by):
    """Set `cell.html` on each cell of the staff grid: its cards and an “Add” link for that day (and room)."""
    add = reverse("timetable:session-create")
    for row in rows:
        room = f"&amp;room={row.key}" if by == "room" and row.key else ""
        where = f" in {escape(row.label)}" if by == "room" else ""
        for cell in row.cells:
            cards = "".join(session.card for session in cell.sessions)
            day = f"{cell.date:%A} {cell.date.day} {cell.date:%B}"
            link = (f'<a class="tt-add" href="{add}?date={cell.date.isoformat()}{room}">Add'
                    f'<span class="visually-hidden"> a session on {day}{where}</span></a>')
            # Safe: the cards are built by attach_cards; the label is escaped.
            cell.html = mark_safe(cards + link)
    return rows
