from django.apps import AppConfig


class ThesesConfig(AppConfig):
    name = "theses"
    verbose_name = "Thesis projects"

    def ready(self):
        from core import staff_cards

        from . import mail, reminders
        from .staff_cards import theses_card

        mail.register()
        reminders.register()
        staff_cards.register(theses_card, order=45)

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_theses

        seed_demo_theses(password=password, stdout=stdout)
