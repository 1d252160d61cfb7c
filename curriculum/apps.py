from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


def _refresh_search_vector(sender, instance, raw=False, **kwargs):
    if raw:
        return
    from .search import refresh_search_vectors

    refresh_search_vectors(sender.objects.filter(pk=instance.pk))


def _catalogue_changed(sender, raw=False, **kwargs):
    if raw:
        return
    from .cache import bump_generation

    bump_generation()


# Models whose rows the public catalogue shows. Services bump the cache
# generation themselves; these receivers also catch the admin, scripts and
# other apps' writes, so a cached page is never stale for long whoever wrote.
CATALOGUE_MODELS = ["AcademicYear", "Term", "Theme", "Programme", "ExitAward", "Module", "LearningOutcome",
                    "AssessmentComponent", "ProgrammeModule", "ModuleOffering"]


STAFF_CATALOGUE_PERMISSIONS = {
    "module": ["add", "change", "view"],
    "programme": ["add", "change", "view"],
    "programmemodule": ["add", "change", "delete", "view"],
    "moduleoffering": ["add", "change", "view"],
}


class CurriculumConfig(AppConfig):
    name = "curriculum"
    verbose_name = "Curriculum"

    def ready(self):
        from accounts.roles import Role, grant_to_role
        from core import staff_cards

        from .models import Module
        from .staff_cards import modules_card

        staff_cards.register(modules_card, order=10)

        # Staff edit the whole catalogue through permissions (see migration 0003).
        grant_to_role(
            Role.STAFF,
            *[f"curriculum.{action}_{model}"
              for model, actions in STAFF_CATALOGUE_PERMISSIONS.items() for action in actions],
        )

        # Signals here only keep derived copies in step (the search vector, the public
        # cache's generation); no business rule runs from a signal.
        # The stored search vector follows every save, however the module was saved.
        post_save.connect(_refresh_search_vector, sender=Module, dispatch_uid="curriculum-module-search-vector")
        for name in CATALOGUE_MODELS:
            model = self.get_model(name)
            post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"curriculum-cache-save-{name}")
            post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"curriculum-cache-delete-{name}")
        for through in (Module.prerequisites.through, Module.themes.through):
            m2m_changed.connect(_catalogue_changed, sender=through, dispatch_uid=f"curriculum-cache-{through.__name__}")

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_curriculum

        seed_demo_curriculum(password=password, stdout=stdout)
