from django.apps import AppConfig


class ThesesConfig(AppConfig):
    name = "theses"
    verbose_name = "Thesis projects"
