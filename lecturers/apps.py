from django.apps import AppConfig


class LecturersConfig(AppConfig):
    name = "lecturers"
    verbose_name = "Guest lecturers"

    def ready(self):
        from mpt import panels

        from . import mail, reminders
        from .panels import home_context, module_context

        mail.register()
        reminders.register()
        panels.register("module_detail", template="lecturers/panels/module_guests.html", context=module_context,
                        order=30)
        panels.register("home", template="lecturers/panels/home_guests.html", context=home_context, order=40)

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_lecturers

        seed_demo_lecturers(stdout=stdout)
