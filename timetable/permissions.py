"""Who may do what on the timetable. Views and services share these predicates."""

from accounts.permissions import is_staff_member


def can_edit_timetable(user):
    return is_staff_member(user)


def can_see_session(user, session):
    """Published sessions of published modules are public; staff see everything."""
    if can_edit_timetable(user):
        return True
    return session.is_published and session.offering.module.status == "published"
