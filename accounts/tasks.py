"""Account work done outside the request: loads what it needs and calls a service."""

from celery import shared_task


@shared_task(name="accounts.send_password_reset", ignore_result=True)
def send_password_reset(email):
    from . import services

    services.password_reset_send(email=email)
