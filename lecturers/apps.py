from django.apps import AppConfig


class LecturersConfig(AppConfig):
    name = "lecturers"
    verbose_name = "Guest lecturers"

    def ready(self):
        from core import panels, staff_cards

        from . import mail, reminders
        from .panels import home_context, module_context
        from .staff_cards import lecturers_card

        staff_cards.register(lecturers_card, order=30)

        mail.register()
        reminders.register()
        panels.register("module_detail", template="lecturers/panels/module_guests.html", context=module_context,
                        order=30)
        panels.register("home", template="lecturers/panels/home_guests.html", context=home_context, order=40)

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_lecturers

        seed_demo_lecturers(stdout=stdout)
