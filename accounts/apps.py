from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_users

        seed_demo_users(password=password, stdout=stdout)
