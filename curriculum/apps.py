from django.apps import AppConfig
from django.db.models.signals import post_save


def _refresh_search_vector(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .search import refresh_search_vectors

    refresh_search_vectors(sender.objects.filter(pk=instance.pk))


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"

    def ready(self):
        from .models import Module

        # The stored search vector follows every save, however the module was saved.
        post_save.connect(_refresh_search_vector, sender=Module, dispatch_uid="curriculum-module-search-vector")

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_curriculum

        seed_demo_curriculum(password=password, stdout=stdout)
