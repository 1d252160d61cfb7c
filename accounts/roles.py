"""Roles are Django groups, created by a data migration. Names never change."""

from django.db import models


class Role(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    STUDENT = "student", "Student"
    STAFF = "staff", "Staff"
    REVIEWER = "reviewer", "Reviewer"
    ADMISSIONS_ADMIN = "admissions_admin", "Admissions admin"


# Permissions each role's group holds, registered by the apps that define them
# (`grant_to_role(Role.STAFF, "curriculum.change_module")` in AppConfig.ready()).
# After every migrate, and after the flush a transactional test ends with,
# `ensure_roles` makes the groups and these grants again: data migrations run
# only once, so they cannot be the only place that says who may do what.
_grants: dict[str, set[str]] = {}


def grant_to_role(role, *permissions):
    _grants.setdefault(str(role), set()).update(permissions)


def granted(role):
    return frozenset(_grants.get(str(role), ()))


def ensure_roles(**kwargs):
    """post_migrate receiver: every role's group exists and holds its grants.

    Set-up of the schema's fixed rows, as a migration would make them; nobody's
    roles change here (that is `accounts.services.user_add_role`)."""
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.get_or_create(name=str(role))
        wanted = granted(role)
        if not wanted:
            continue
        pairs = [name.split(".", 1) for name in wanted]
        permissions = Permission.objects.filter(
            content_type__app_label__in={app for app, _ in pairs}, codename__in={code for _, code in pairs}
        ).select_related("content_type")
        group.permissions.add(
            *[p for p in permissions if f"{p.content_type.app_label}.{p.codename}" in wanted]
        )
