from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from .roles import ensure_roles

        # Without a sender filter: it must run after every app's permissions exist.
        post_migrate.connect(ensure_roles, dispatch_uid="accounts-ensure-roles")

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_users

        seed_demo_users(password=password, stdout=stdout)
