"""Timetable in the Django admin: a read-mostly fallback for superusers (the staff pages do the work)."""

from core.admin_fallback import register_fallback

# Bookings follow their sessions: changed here they would no longer match them.
register_fallback("timetable", audit={"Booking", "FeedToken"})
