from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "admissions"
    verbose_name = "Admissions"

    def ready(self):
        from core import panels, staff_cards

        from . import mail, reminders
        from .panels import home_context, programme_context
        from .staff_cards import admissions_card, reviews_card

        staff_cards.register(reviews_card, order=40)
        staff_cards.register(admissions_card, order=50)

        mail.register()
        reminders.register()
        panels.register("home", template="admissions/panels/home.html", context=home_context, order=10)
        panels.register(
            "programme_detail", template="admissions/panels/programme.html", context=programme_context, order=10
        )

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo

        seed_demo(password=password, stdout=stdout)
