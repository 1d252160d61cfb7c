"""Thin Celery tasks: each loads by id and calls a service."""

from celery import shared_task


@shared_task(name="notifications.deliver_email", ignore_result=True, acks_late=True)
def deliver_email(email_id):
    from .delivery import email_deliver

    return email_deliver(email_id=email_id).state


@shared_task(name="notifications.sweep_outbox", ignore_result=True)
def sweep_outbox():
    from .delivery import outbox_sweep

    return outbox_sweep()


@shared_task(name="notifications.send_reminders", ignore_result=True)
def send_reminders():
    from .reminder_engine import reminders_run

    return reminders_run()
