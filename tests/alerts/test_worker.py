"""Exactly once, with the real parts: Celery workers on Redis started by the test, an SMTP
server in the test process, PostgreSQL.

The workers run `celery -A portal worker` in their own process groups against the test
database; the test process runs the sweep, which queues the tasks on Redis.
"""

import asyncio
import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.utils import timezone

from alerts.models import Notification, Subscriber, Subscription
from alerts.tasks import sweep_and_queue
from tests.alerts.celery_worker import CLAIM_SECONDS, CeleryWorker, worker_environment
from tests.factories import CallFactory

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,
    pytest.mark.redis,
]


@pytest.fixture
def celery_on_redis(settings, smtp_server, tmp_path, celery_broker):
    """Tasks go to Redis, on a queue of this test's own; `start(concurrency)` starts a
    worker that sends through `smtp_server`."""
    queue = f"test-alerts-{uuid.uuid4().hex}"
    celery_broker(REDIS_URL, queue)
    env = worker_environment(REDIS_URL, queue, smtp_server.url)
    workers: list[CeleryWorker] = []

    def start(concurrency: int = 2) -> CeleryWorker:
        workers.append(CeleryWorker(env, concurrency, tmp_path / f"worker-{len(workers)}.log"))
        workers[-1].wait_until_ready()
        return workers[-1]

    yield start
    for worker in workers:
        worker.kill()
    redis.Redis.from_url(REDIS_URL).delete(queue)


def reminders_due_now(count: int):
    """`count` confirmed subscribers of a call closing in two days: one reminder each."""
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=30), deadlines=[now + timedelta(days=2)])
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(email=f"applicant{number:04d}@example.org") for number in range(count)
    )
    Subscription.objects.bulk_create(
        Subscription(subscriber=s, call=call, confirmed_at=now - timedelta(days=1))
        for s in subscribers
    )
    return call


def wait_for(condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def delivered_once_each(smtp_server, count: int) -> None:
    recipients = [message["To"] for message in smtp_server.messages]
    assert len(recipients) == count
    assert len(set(recipients)) == count
    sent = Notification.objects.filter(state=Notification.State.SENT)
    assert sent.count() == count
    assert not Notification.objects.filter(state=Notification.State.PENDING).exists()


class KillMidBatch:
    """The SMTP server's hook that SIGKILLs the worker once `after` messages are in.

    It waits until every pool process of the worker is in the middle of sending (its
    message received, the answer not yet given), kills the worker, and refuses those
    messages: the connection is gone, so a real server would not deliver them either.
    """

    def __init__(self, after: int, processes: int):
        self.after, self.processes = after, processes
        self.worker: CeleryWorker | None = None
        self.in_flight = 0
        self.killed = False

    async def __call__(self, server, envelope):
        if self.killed or self.worker is None:
            return None
        self.in_flight += 1
        try:
            if server.count() + self.in_flight <= self.after:
                return None
            waited = 0.0
            while self.in_flight < self.processes and not self.killed and waited < 5:
                await asyncio.sleep(0.005)
                waited += 0.005
            if not self.killed:
                self.worker.kill()
                self.killed = True
            return "451 4.4.2 Connection lost"
        finally:
            self.in_flight -= 1


def test_a_worker_killed_mid_batch_loses_no_reminder_and_sends_none_twice(
    celery_on_redis, smtp_server, settings
):
    reminders_due_now(500)
    hook = KillMidBatch(after=150, processes=2)
    smtp_server.on_data = hook
    hook.worker = celery_on_redis(concurrency=2)
    sweep_and_queue()
    wait_for(lambda: hook.killed)
    wait_for(lambda: hook.worker.process.poll() is not None)
    sent_before_kill = smtp_server.count()
    assert 150 <= sent_before_kill < 500
    assert Notification.objects.filter(state=Notification.State.PENDING).exists()

    celery_on_redis(concurrency=2)
    # The killed worker's tasks stay unacknowledged in Redis and its claims hold until
    # they lapse; the next sweep then queues the rows still pending again (in production
    # after ALERTS_REQUEUE_MINUTES).
    time.sleep(CLAIM_SECONDS + 1)
    settings.ALERTS_REQUEUE_MINUTES = 0
    sweep_and_queue()
    wait_for(lambda: smtp_server.count() >= 500)
    time.sleep(1)  # anything sent twice would arrive now
    delivered_once_each(smtp_server, 500)


def test_a_sweep_run_twice_with_two_workers_sends_each_reminder_once(
    celery_on_redis, smtp_server, settings
):
    reminders_due_now(200)
    celery_on_redis(concurrency=2)
    celery_on_redis(concurrency=2)
    settings.ALERTS_REQUEUE_MINUTES = 0  # the second sweep queues every pending row again
    first, second = sweep_and_queue(), sweep_and_queue()
    assert len(first.queued) == 200 and first.created == 400
    assert second.created == 0
    wait_for(lambda: smtp_server.count() >= 200)
    time.sleep(1)
    delivered_once_each(smtp_server, 200)
