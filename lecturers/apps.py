from django.apps import AppConfig


class LecturersConfig(AppConfig):
    name = "lecturers"
    verbose_name = "Guest lecturers"
