"""Small named predicates about who someone is. Views and services share them.

Roles are groups (see `accounts.roles.Role`); a superuser counts as every role
so that an operator can see every screen.
"""

from .roles import Role, granted


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


MANAGE_PEOPLE = "accounts.manage_people"


def manages_people_by_role(user):
    """`user` may manage people through a role whose group holds `accounts.manage_people`
    (admissions admins), or is a superuser. Asks only the roles, read once per user, so
    the navigation can show it on every page at no cost."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or any(MANAGE_PEOPLE in granted(role) for role in user.role_names())


def can_manage_people(user):
    """`user` may invite colleagues, change anyone's roles and deactivate accounts: the
    `accounts.manage_people` permission, held by a role (admissions admins) or given to
    a member of staff on their own from the people page. A superuser counts as holding it.
    The own permission is read once per user object (one query, staff members only)."""
    if manages_people_by_role(user):
        return True
    if not is_staff_member(user):
        return False
    if "_manages_people_own" not in user.__dict__:
        app_label, codename = MANAGE_PEOPLE.split(".")
        user.__dict__["_manages_people_own"] = user.user_permissions.filter(
            content_type__app_label=app_label, codename=codename
        ).exists()
    return user.__dict__["_manages_people_own"]


# Roles an admissions admin looks after (admissions admins also manage people, so any role).
_ADMISSIONS_ROLES = frozenset({Role.APPLICANT, Role.REVIEWER, Role.STUDENT})
# Roles a person takes on by their own act (applying; taking up a place they were
# offered). The service that offers the act checks it first.
_SELF_ROLES = frozenset({Role.APPLICANT, Role.STUDENT})


def _is_operator(user):
    return can_use_admin_site(user)


def can_add_role(by, user, role):
    """`by` may give `user` the role: an operator or a people-manager any role, an
    admissions admin the applicant, reviewer and student roles, a person
    themselves the roles they take on by their own act."""
    role = Role(role)
    if _is_operator(by) or can_manage_people(by):
        return True
    if role in _ADMISSIONS_ROLES and is_admissions_admin(by):
        return True
    return role in _SELF_ROLES and getattr(by, "pk", None) is not None and by.pk == user.pk


def can_remove_role(by, user, role):
    """`by` may take the role from `user`: an operator or a people-manager any role,
    an admissions admin the roles they look after. No one else takes a role, from
    themselves either; the last people-manager keeping theirs is the service's rule."""
    role = Role(role)
    return (
        _is_operator(by) or can_manage_people(by) or (role in _ADMISSIONS_ROLES and is_admissions_admin(by))
    )
