"""Who may do what with guest lecturers. Views and services share these predicates.

Only staff manage lecturers and invitations. The lecturer has no account: the
signed link (lecturers.tokens) is their only key, and it opens one invitation.
"""

from accounts.permissions import is_staff_member


def can_manage_lecturers(user):
    return is_staff_member(user)


def can_see_profile(user, lecturer):
    """A public profile needs the lecturer's consent; staff see every profile."""
    return lecturer.public_profile_consent or can_manage_lecturers(user)
