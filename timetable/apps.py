from django.apps import AppConfig


class TimetableConfig(AppConfig):
    name = "timetable"
    verbose_name = "Timetable"

    def ready(self):
        from core import panels, staff_cards

        from . import mail
        from .panels import module_sessions_context
        from .staff_cards import timetable_card

        staff_cards.register(timetable_card, order=20)

        panels.register(
            "module_detail", template="timetable/panels/module_sessions.html",
            context=module_sessions_context, order=20,
        )
        mail.register()

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_timetable

        seed_demo_timetable(stdout=stdout)
