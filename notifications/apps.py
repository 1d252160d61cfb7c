from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from . import purposes

        purposes.register()

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_outbox

        seed_demo_outbox(stdout=stdout)
