"""Demo users: one per role, a colleague invited and not yet joined, a deactivated
account, and `demo_person` for the people other apps' demo data needs.

Only `manage.py seed_demo` and the apps' demo modules call these.
"""

import datetime
from functools import lru_cache

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core.access import SYSTEM

from .models import AccountChange, Invitation, User
from .roles import Role
from .services import INVITATION_VALID_DAYS, user_add_role

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
    seed_demo_people(password=password)


INVITED = ("lena.fischer@example.org", "Dr Lena Fischer")
DEACTIVATED = ("marc.dubois@example.org", "Marc Dubois")


def seed_demo_people(*, password):
    """A colleague invited three days ago as staff and reviewer, and a member of staff who
    left last month, so the people page shows both. Run again, it changes nothing; the
    invitation is made afresh (dated from today) once the last one has expired."""
    today = timezone.now()
    admin = User.objects.filter(email="admissions@example.org").first()
    email, name = INVITED
    if not User.objects.filter(email=email).exists() and not Invitation.objects.filter(
        email=email, state=Invitation.State.PENDING, expires_at__gt=today
    ).exists():
        Invitation.objects.filter(email=email, state=Invitation.State.PENDING).update(
            state=Invitation.State.REPLACED
        )
        sent = today - datetime.timedelta(days=3)
        Invitation.objects.create(
            email=email, full_name=name, roles=[str(Role.STAFF), str(Role.REVIEWER)], invited_by=admin,
            created_at=sent, expires_at=sent + datetime.timedelta(days=INVITATION_VALID_DAYS),
        )
    email, name = DEACTIVATED
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": name, "email_verified_at": today - datetime.timedelta(days=400),
                  "date_joined": today - datetime.timedelta(days=400), "password": demo_password_hash(password)},
    )
    if created:
        user_add_role(user=user, role=Role.STAFF, by=SYSTEM, note="Demo data.")
        user.is_active = False
        user.save(update_fields=["is_active"])
        AccountChange.objects.create(
            user=user, change=AccountChange.Change.DEACTIVATED, by=admin, at=today - datetime.timedelta(days=30),
            note="Left the university.",
        )


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
