"""Load demo data for every app, idempotently. Never runs on its own.

Each app that has demo data gives its AppConfig a `seed_demo(password=, stdout=)`
method; they run in INSTALLED_APPS order, so an app's demo data can rely on
that of the apps it depends on. An AppConfig may also give a
`seeding_demo(stdout=)` context manager, entered around all of them: the
notifications app uses it to keep the demo's mail off the console, one line per
mail, and to sum it up in one line instead.

The demo's background tasks (its mail, an allocation run) run here, in this
process, even when a broker is configured: demo data is loaded before any
worker runs, and a worker starting afterwards would otherwise replay them all.
"""

import logging
import os
from contextlib import ExitStack

from celery import current_app as celery_app
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from accounts.demo import DEMO_USERS
from accounts.models import User

# Logins that later apps' demo data creates, worth trying (shown when they exist).
MORE_DEMO_LOGINS = [("Student, ranking", "parttime@example.org")]

DEFAULT_DEMO_PASSWORD = "public-tech-demo"  # noqa: S105 - printed to the operator on purpose


def demo_password():
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def login_lines(password, *, site_url=None):
    """The table of demo logins (role, email, password): those that exist in the database."""
    rows = [(role.label, email) for email, _name, role in DEMO_USERS]
    rows += [(label, email) for label, email in MORE_DEMO_LOGINS]
    existing = set(User.objects.filter(email__in=[email for _label, email in rows]).values_list("email", flat=True))
    login_url = f"{site_url or settings.SITE_URL}{reverse('accounts:login')}"
    lines = [f"Log in at {login_url} as any of these:", f"  {'Role':<17} {'Email':<24} Password"]
    lines += [f"  {label:<17} {email:<24} {password}" for label, email in rows if email in existing]
    return lines


class Command(BaseCommand):
    help = "Create demo data and one demo login per role (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-logins", action="store_true",
            help="leave out the table of demo logins (manage.py rundemo prints it once the site answers)",
        )

    def handle(self, *args, **options):
        password = demo_password()
        configs = apps.get_app_configs()
        eager = celery_app.conf.task_always_eager
        celery_app.conf.task_always_eager = True
        # Not one "Task … succeeded" log line per demo mail either.
        task_log = logging.getLogger("celery.app.trace")
        task_log_level = task_log.level
        task_log.setLevel(logging.WARNING)
        try:
            with ExitStack() as around:
                for config in configs:
                    if hasattr(config, "seeding_demo"):
                        around.enter_context(config.seeding_demo(stdout=self.stdout))
                with transaction.atomic():
                    for config in configs:
                        seed = getattr(config, "seed_demo", None)
                        if seed is not None:
                            self.stdout.write(f"Seeding {config.verbose_name}…")
                            seed(password=password, stdout=self.stdout)
        finally:
            celery_app.conf.task_always_eager = eager
            task_log.setLevel(task_log_level)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        if not options["no_logins"]:
            for line in login_lines(password):
                self.stdout.write(line)
