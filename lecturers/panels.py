"""Panels the lecturers app adds to earlier apps' pages (see core/panels.py): one query each."""

from .selectors import upcoming_guest_lectures


def module_context(*, request, module=None, offering=None, **objects):
    """Upcoming guest lectures of the module (all its offerings): the page shows what is coming."""
    if module is None and offering is None:
        return None
    if module is not None:
        lectures = upcoming_guest_lectures(module=module, public=True, limit=5)
    else:
        lectures = upcoming_guest_lectures(offering=offering, public=True, limit=5)
    return {"lectures": lectures} if lectures else None


def home_context(*, request, **objects):
    lectures = upcoming_guest_lectures(public=True, limit=3)
    return {"lectures": lectures} if lectures else None
