"""Small named predicates about who someone is. Views and services share them.

Roles are groups (see `accounts.roles.Role`); a superuser counts as every role
so that an operator can see every screen.
"""

from .roles import Role


def has_role(user, role):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return str(role) in user.role_names()


def is_applicant(user):
    return has_role(user, Role.APPLICANT)


def is_student(user):
    return has_role(user, Role.STUDENT)


def is_staff_member(user):
    return has_role(user, Role.STAFF)


def is_reviewer(user):
    return has_role(user, Role.REVIEWER)


def is_admissions_admin(user):
    return has_role(user, Role.ADMISSIONS_ADMIN)


def can_use_admin_site(user):
    return getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser


def runs_the_programme(user):
    """Staff, reviewers and admissions admins: the people the staff area is for."""
    return is_staff_member(user) or is_reviewer(user) or is_admissions_admin(user)
