from contextlib import contextmanager

from django.apps import AppConfig

from core.links import absolute_url


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core import staff_cards

        from . import mail, template_cache
        from .models import EmailTemplate
        from .staff_cards import outbox_card

        mail.register()
        staff_cards.register(outbox_card, order=60)
        # Whatever saves or deletes a template (editor, reset, admin), the cache follows on commit.
        # The receivers only keep that cache in step; no business rule runs from a signal.
        post_save.connect(template_cache.template_saved, sender=EmailTemplate, dispatch_uid="notif-template-saved")
        post_delete.connect(template_cache.template_deleted, sender=EmailTemplate, dispatch_uid="notif-template-gone")

    @contextmanager
    def seeding_demo(self, *, stdout):
        """Around every app's demo data: no console line per demo mail, one line for them all."""

        from .console import console_lines_held
        from .models import OutboundEmail

        before = OutboundEmail.objects.count()
        with console_lines_held():
            yield
        queued = OutboundEmail.objects.count() - before
        outbox = absolute_url("notifications:outbox")
        mine = absolute_url("my_emails:email-list")
        if queued:
            stdout.write(f"Queued {queued} demo mails: read them at {outbox} (as staff) "
                         f"or at {mine} (logged in as their recipient)")
        else:
            stdout.write(f"No new demo mail: the outbox already holds it, at {outbox}")

    def seed_demo(self, *, password, stdout):
        from .demo import seed_demo_outbox

        seed_demo_outbox(stdout=stdout)
