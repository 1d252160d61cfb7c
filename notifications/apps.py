from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from mpt import staff_cards

        from . import purposes, template_cache
        from .models import EmailTemplate
        from .staff_cards import outbox_card

        purposes.register()
        staff_cards.register(outbox_card, order=60)
        # Whatever saves or deletes a template (editor, reset, admin), the cache follows on commit.
        post_save.connect(template_cache.template_saved, sender=EmailTemplate, dispatch_uid="notif-template-saved")
        post_delete.connect(template_cache.template_deleted, sender=EmailTemplate, dispatch_uid="notif-template-gone")

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_outbox

        seed_demo_outbox(stdout=stdout)
