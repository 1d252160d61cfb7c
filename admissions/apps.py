from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "admissions"
    verbose_name = "Admissions"

    def ready(self):
        from mpt import panels

        from . import mail, reminders, review_apps
        from .panels import home_context, programme_context

        mail.register()
        reminders.register()
        review_apps.ready()
        panels.register("home", template="admissions/panels/home.html", context=home_context, order=10)
        panels.register(
            "programme_detail", template="admissions/panels/programme.html", context=programme_context, order=10
        )

    def seed_demo(self, *, password, stdout):
        from . import review_demo
        from .demo import seed_demo

        seed_demo(password=password, stdout=stdout)
        review_demo.seed_demo(password=password, stdout=stdout)
