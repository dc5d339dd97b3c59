"""Celery tasks of alerts: thin, given ids, queued after the transaction commits.

`acks_late` (also the project default) means a task is removed from the broker only
once it has run: a worker killed in the middle leaves it to be delivered again, and
the row's state decides whether anything is still to send.
"""

import logging
from datetime import datetime
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

from alerts.confirmations import confirmation_deliver
from alerts.delivery import notifications_deliver
from alerts.digests import digest_deliver
from alerts.mailer import TransientFailure
from alerts.models import Notification, Subscription
from alerts.sweep import SweepReport, alerts_sweep

logger = logging.getLogger(__name__)

# Notifications a delivery task sends: small enough that a batch never keeps a worker
# long, large enough that queueing and task overhead vanish.
BATCH_SIZE = 25


def backoff(retries: int) -> int:
    """Seconds before trying again: 1, 2, 4 ... minutes, at most 30."""
    return min(60 * 2**retries, 1800)


@shared_task(acks_late=True, ignore_result=True)
def sweep() -> None:
    sweep_and_queue()


def sweep_and_queue(*, at: datetime | None = None) -> SweepReport:
    """Run the sweep (alerts/sweep.py) and queue what it marked, once its transaction
    has committed: what beat's task and `manage.py send_reminders` do."""
    report = alerts_sweep(at=at)
    queue_notifications(report.queued)
    queue_digests(report.digests)
    transaction.on_commit(partial(queue_confirmations, report.confirmations))
    return report


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def deliver_notifications(self, notification_ids: list[int]) -> None:
    """Send a batch of notifications; those that failed transiently go again later.

    The row counts the attempts and turns failed after ALERTS_MAX_ATTEMPTS.
    """
    states = notifications_deliver(notification_ids)
    retry = [pk for pk, state in states.items() if state == Notification.State.PENDING]
    if retry:
        raise self.retry(args=(retry,), countdown=backoff(self.request.retries))


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
    """Queue delivery tasks for `ids`, BATCH_SIZE rows each, once the current transaction
    commits. Batches save a broker message and a task per e-mail; each row is still marked
    on its own as soon as its e-mail is sent (alerts/delivery.py)."""
    batches = [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]
    transaction.on_commit(partial(_delay_each, deliver_notifications, batches))


def queue_confirmations(ids: list[int]) -> None:
    """Queue the confirmation e-mails of subscriptions `ids` now (after the commit that
    recorded them). With the broker down they are marked not queued and the visitor sees
    the usual page: the next sweep marks them and they are queued again."""
    for subscription_id in ids:
        try:
            send_confirmation.delay(subscription_id)
        except OperationalError as error:
            logger.warning(
                "Confirmation %s not queued, the broker is down: %s", subscription_id, error
            )
            Subscription.objects.filter(pk=subscription_id).update(confirmation_queued_at=None)


def queue_digests(ids: list[int]) -> None:
    transaction.on_commit(partial(_delay_each, send_digest, ids))


def _delay_each(task, arguments: list) -> None:
    for argument in arguments:
        task.delay(argument)
