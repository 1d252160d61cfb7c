"""Thin Celery tasks: load by id, call a service."""

from celery import shared_task


@shared_task(name="theses.run_allocation", acks_late=True)
def run_allocation(run_id):
    from .services import allocation_run_execute

    allocation_run_execute(run_id=run_id)
