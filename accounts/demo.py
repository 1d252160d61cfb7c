"""Demo users: one per role, and `demo_person` for the people other apps' demo data needs.

Only `manage.py seed_demo` and the apps' demo modules call these.
"""

from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core.access import SYSTEM

from .models import User
from .roles import Role
from .services import user_add_role

DEMO_USERS = [
    ("staff@example.org", "Dr Ada Okafor", Role.STAFF),
    ("admissions@example.org", "Priya Raman", Role.ADMISSIONS_ADMIN),
    ("reviewer@example.org", "Tom Whitaker", Role.REVIEWER),
    ("applicant@example.org", "Sam Lee", Role.APPLICANT),
    ("student@example.org", "Jo Marsh", Role.STUDENT),
]


@lru_cache(maxsize=4)
def demo_password_hash(password):
    """The demo password hashed once per seed: every demo login shares the one public
    password, and hashing it afresh for each of a few hundred people is most of the
    time the seed takes."""
    return make_password(password)


def seed_demo_users(*, password, stdout):
    created_count = 0
    for email, name, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": name, "email_verified_at": timezone.now()},
        )
        user.password = demo_password_hash(password)
        user.is_active = True
        user.save()
        user_add_role(user=user, role=role, by=SYSTEM, note="Demo data.")
        created_count += created
    if created_count:
        stdout.write(f"  created {created_count} demo logins, one per role")


def demo_person(*, email, full_name, role, password):
    """A confirmed demo account with `role`, made if missing (with `password`).

    An existing account keeps its password and name and gains the role.
    """
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "email_verified_at": timezone.now()}
    )
    if created:
        user.password = demo_password_hash(password)
        user.save()
    user_add_role(user=user, role=role, by=SYSTEM, note="Demo data.")
    return user
