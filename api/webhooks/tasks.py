"""Celery tasks of webhooks: thin, given ids, queued after the transaction commits.

Registered through api/tasks.py (Celery looks for `<app>.tasks`).
"""

from datetime import timedelta
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from api.webhooks.delivery import delivery_attempt
from api.webhooks.models import WebhookDelivery
from api.webhooks.sweep import webhooks_sweep

# A retry sooner than this waits in the broker (a countdown); a later one is left to the
# sweep, so that no task sits for hours in a worker's memory or past Redis's visibility
# timeout.
COUNTDOWN_LIMIT = timedelta(minutes=5)


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> None:
    attempted = delivery_attempt(delivery_id)
    if attempted is None or attempted.state != WebhookDelivery.State.PENDING:
        return
    wait = attempted.next_attempt_at - timezone.now()
    rows = WebhookDelivery.objects.filter(pk=delivery_id)
    if wait <= COUNTDOWN_LIMIT:
        rows.update(queued_at=attempted.next_attempt_at)
        deliver_webhook.apply_async((delivery_id,), countdown=max(wait.total_seconds(), 0))
    else:
        rows.update(queued_at=None)


@shared_task(acks_late=True, ignore_result=True)
def sweep_webhooks() -> None:
    _delay_each(webhooks_sweep())


def queue_deliveries(ids: list[int]) -> None:
    """Queue a delivery task for each of `ids` once the current transaction commits."""
    if ids:
        transaction.on_commit(partial(_mark_and_delay, ids))


def _mark_and_delay(ids: list[int]) -> None:
    WebhookDelivery.objects.filter(pk__in=ids, queued_at__isnull=True).update(
        queued_at=timezone.now()
    )
    _delay_each(ids)


def _delay_each(ids: list[int]) -> None:
    for delivery_id in ids:
        deliver_webhook.delay(delivery_id)
