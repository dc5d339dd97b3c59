"""Celery tasks of the API app: webhooks (api/webhooks/tasks.py) and bulk extracts."""

from celery import shared_task

from api.extracts.writer import extracts_write
from api.webhooks.tasks import deliver_webhooks, sweep_webhooks

__all__ = ["deliver_webhooks", "sweep_webhooks", "write_extracts"]


@shared_task(acks_late=True, ignore_result=True)
def write_extracts() -> None:
    """The daily bulk extracts (api/extracts/writer.py)."""
    extracts_write()
