"""Load demo data for every app, idempotently. Never runs on its own.

Each app that has demo data gives its AppConfig a `seed_demo(password=, stdout=)`
method; they run in INSTALLED_APPS order, so an app's demo data can rely on
that of the apps it depends on.
"""

import os

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.demo import DEMO_USERS
from accounts.models import User

# Logins that later apps' demo data creates, worth trying (shown when they exist).
MORE_DEMO_LOGINS = [("Student, ranking", "parttime@example.org")]

DEFAULT_DEMO_PASSWORD = "public-tech-demo"  # noqa: S105 - printed to the operator on purpose


class Command(BaseCommand):
    help = "Create demo data and one demo login per role (safe to run again)."

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        with transaction.atomic():
            for config in apps.get_app_configs():
                seed = getattr(config, "seed_demo", None)
                if seed is not None:
                    self.stdout.write(f"Seeding {config.verbose_name}…")
                    seed(password=password, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("\nDemo data is ready. Log in with:"))
        for email, _name, role in DEMO_USERS:
            self.stdout.write(f"  {role.label:<17} {email}")
        for label, email in MORE_DEMO_LOGINS:
            if User.objects.filter(email=email).exists():
                self.stdout.write(f"  {label:<17} {email}")
        self.stdout.write(f"  password for all:  {password}")
