"""Demo users, one per role. Only `manage.py seed_demo` calls this."""

from django.contrib.auth.models import Group
from django.utils import timezone

from .models import User
from .roles import Role

DEMO_USERS = [
    ("staff@example.org", "Dr Ada Okafor", Role.STAFF),
    ("admissions@example.org", "Priya Raman", Role.ADMISSIONS_ADMIN),
    ("reviewer@example.org", "Tom Whitaker", Role.REVIEWER),
    ("applicant@example.org", "Sam Lee", Role.APPLICANT),
    ("student@example.org", "Jo Marsh", Role.STUDENT),
]


def seed_demo_users(*, password, stdout):
    created_count = 0
    for email, name, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"full_name": name, "email_verified_at": timezone.now()},
        )
        user.set_password(password)
        user.is_active = True
        user.save()
        user.groups.add(Group.objects.get(name=role))
        created_count += created
    if created_count:
        stdout.write(f"  created {created_count} demo logins, one per role")
