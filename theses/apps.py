from django.apps import AppConfig


class ThesesConfig(AppConfig):
    name = "theses"
    verbose_name = "Thesis projects"

    def ready(self):
        from . import purposes

        purposes.register()

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_theses

        seed_demo_theses(password=password, stdout=stdout)
