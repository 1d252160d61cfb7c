"""Timetable use cases: sessions and weekly series (`sessions`), rooms (`rooms`).

Every service takes `by` keyword-only (a user, or core.access.SYSTEM) and checks
permission again itself; see each module's docstring for its rules.
"""

from .rooms import (
    RoomConflict,
    room_create,
    room_deactivate,
    room_reactivate,
    room_update,
)
from .sessions import (
    CANCEL_PURPOSE,
    DEADLOCK_ATTEMPTS,
    ClashError,
    OutsideTermError,
    Resource,
    cancel_recipients,
    feed_token_for,
    feed_token_revoke,
    find_clashes,
    offering_zone,
    series_cancel,
    series_create,
    series_dates,
    series_move,
    series_update,
    session_add_resources,
    session_cancel,
    session_create,
    session_remove_resources,
    session_update,
    term_monday,
    when_text,
)

__all__ = [
    "CANCEL_PURPOSE",
    "DEADLOCK_ATTEMPTS",
    "ClashError",
    "OutsideTermError",
    "Resource",
    "RoomConflict",
    "cancel_recipients",
    "feed_token_for",
    "feed_token_revoke",
    "find_clashes",
    "offering_zone",
    "room_create",
    "room_deactivate",
    "room_reactivate",
    "room_update",
    "series_cancel",
    "series_create",
    "series_dates",
    "series_move",
    "series_update",
    "session_add_resources",
    "session_cancel",
    "session_create",
    "session_remove_resources",
    "session_update",
    "term_monday",
    "when_text",
]
