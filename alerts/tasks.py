"""Celery tasks of alerts: thin, given ids, queued after the transaction commits.

`acks_late` (also the project default) means a task is removed from the broker only
once it has run: a worker killed in the middle leaves it to be delivered again, and
the row's state decides whether anything is still to send.
"""

from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction

from alerts.delivery import (
    TransientFailure,
    confirmation_deliver,
    digest_deliver,
    notification_deliver,
)
from alerts.sweep import alerts_sweep


def backoff(retries: int) -> int:
    """Seconds before trying again: 1, 2, 4 ... minutes, at most 30."""
    return min(60 * 2**retries, 1800)


@shared_task(acks_late=True, ignore_result=True)
def sweep() -> None:
    alerts_sweep()


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def deliver_notification(self, notification_id: int) -> None:
    # The row counts the attempts and turns failed after ALERTS_MAX_ATTEMPTS.
    try:
        notification_deliver(notification_id)
    except TransientFailure as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def send_digest(self, subscriber_id: int) -> None:
    try:
        digest_deliver(subscriber_id)
    except TransientFailure as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(bind=True, acks_late=True, ignore_result=True)
def send_confirmation(self, subscription_id: int) -> None:
    try:
        confirmation_deliver(subscription_id)
    except TransientFailure as error:
        if self.request.retries >= settings.ALERTS_MAX_ATTEMPTS:
            raise
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


def queue_notifications(ids: list[int]) -> None:
    """Queue one delivery task per notification once the current transaction commits."""
    transaction.on_commit(partial(_delay_each, deliver_notification, ids))


def queue_digests(ids: list[int]) -> None:
    transaction.on_commit(partial(_delay_each, send_digest, ids))


def _delay_each(task, ids: list[int]) -> None:
    for pk in ids:
        task.delay(pk)
