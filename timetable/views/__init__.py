"""Timetable pages: the public ones (`public`) and the staff screens (`staff`)."""

from .public import (
    api_sessions,
    feed_cohort,
    feed_offering,
    feed_personal,
    feed_room,
    feed_staff,
    my_feed,
    session_detail,
    week,
)
from .rooms import room_deactivate, room_detail, room_form, room_list, room_reactivate
from .staff import (
    csv_export,
    csv_import,
    series_create,
    series_detail,
    series_edit,
    series_move,
    session_cancel,
    session_form,
    staff_term,
    staff_week,
)

__all__ = [
    "api_sessions",
    "csv_export",
    "csv_import",
    "feed_cohort",
    "feed_offering",
    "feed_personal",
    "feed_room",
    "feed_staff",
    "my_feed",
    "room_deactivate",
    "room_detail",
    "room_form",
    "room_list",
    "room_reactivate",
    "series_create",
    "series_detail",
    "series_edit",
    "series_move",
    "session_cancel",
    "session_detail",
    "session_form",
    "staff_term",
    "staff_week",
    "week",
]
