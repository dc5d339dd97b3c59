"""Celery tasks of the API app: webhooks (api/webhooks/tasks.py) and bulk extracts."""

from api.webhooks.tasks import deliver_webhook, sweep_webhooks

__all__ = ["deliver_webhook", "sweep_webhooks"]
