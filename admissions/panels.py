"""Panels admissions shows on earlier apps' pages (see mpt/panels.py)."""

from django.utils import timezone

from . import selectors


def home_context(*, request, **objects):
    """The next deadline and a call to apply; a note on the next opening if none is open."""
    page = selectors.apply_page(timezone.now())
    if not page["open"] and not page["upcoming"] and not page["closed"]:
        return None
    return {"open_intakes": page["open"][:3], "upcoming": page["upcoming"][:1], "closed": page["closed"][:1]}


def programme_context(*, request, programme, **objects):
    intake = selectors.next_open_intake(programme=programme)
    return {"intake": intake, "programme": programme}
