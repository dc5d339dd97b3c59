"""Celery tasks of webhooks: thin, given ids, queued after the transaction commits.

Registered through api/tasks.py (Celery looks for `<app>.tasks`).
"""

from datetime import timedelta
from functools import partial
from itertools import batched

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from api.webhooks.delivery import delivery_attempt
from api.webhooks.models import WebhookDelivery
from api.webhooks.sweep import webhooks_sweep

# Deliveries a task attempts, one after the other: a change sent to 200 endpoints is 20
# tasks, not 200 (publishing each to Redis cost more than half of the delivery itself;
# bench/webhooks.py), yet enough tasks for every pool process to take some.
BATCH_SIZE = 10
# A retry sooner than this waits in the broker (a countdown); a later one is left to the
# sweep, so that no task sits for hours in a worker's memory or past Redis's visibility
# timeout.
COUNTDOWN_LIMIT = timedelta(minutes=5)


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhooks(delivery_ids: list[int]) -> None:
    """Attempt each delivery (each in a transaction of its own); queue the retries due soon."""
    retries = {}
    for delivery_id in delivery_ids:
        attempted = delivery_attempt(delivery_id)
        if attempted is not None and attempted.state == WebhookDelivery.State.PENDING:
            retries[delivery_id] = attempted.next_attempt_at
    soon = {pk: at for pk, at in retries.items() if at - timezone.now() <= COUNTDOWN_LIMIT}
    WebhookDelivery.objects.filter(pk__in=set(retries) - set(soon)).update(queued_at=None)
    if soon:
        last = max(soon.values())
        WebhookDelivery.objects.filter(pk__in=soon).update(queued_at=last)
        wait = max((last - timezone.now()).total_seconds(), 0)
        deliver_webhooks.apply_async((list(soon),), countdown=wait)


@shared_task(acks_late=True, ignore_result=True)
def sweep_webhooks() -> None:
    delay_in_batches(webhooks_sweep())


def queue_deliveries(ids: list[int]) -> None:
    """Queue the deliveries `ids` once the current transaction commits."""
    if ids:
        transaction.on_commit(partial(_mark_and_delay, ids))


def _mark_and_delay(ids: list[int]) -> None:
    WebhookDelivery.objects.filter(pk__in=ids, queued_at__isnull=True).update(
        queued_at=timezone.now()
    )
    delay_in_batches(ids)


def delay_in_batches(ids: list[int]) -> None:
    """BATCH_SIZE deliveries a task, published through one broker connection."""
    with deliver_webhooks.app.producer_or_acquire() as producer:
        for batch in batched(ids, BATCH_SIZE):
            deliver_webhooks.apply_async((list(batch),), producer=producer)
