from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from core import staff_cards

        from .roles import Role, ensure_roles, grant_to_role
        from .staff_cards import people_card

        grant_to_role(Role.ADMISSIONS_ADMIN, "accounts.manage_people")
        staff_cards.register(people_card, order=90)

        # Without a sender filter: it must run after every app's permissions exist.
        post_migrate.connect(ensure_roles, dispatch_uid="accounts-ensure-roles")

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_users

        seed_demo_users(password=password, stdout=stdout)
