"""Webhooks through the real parts: a Celery worker on Redis started by the test, an HTTP
receiver in the test process, PostgreSQL. Signatures are checked with `standardwebhooks`.

The test process makes the changes (calls/services.py), whose committed outbox rows
queue the delivery tasks on Redis; the worker delivers them to the receiver.
"""

import os
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import redis
from django.db import connection
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from api.models import ApiKey
from api.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks.sweep import webhooks_sweep
from api.webhooks.tasks import delay_in_batches
from calls import services
from tests.alerts.celery_worker import CeleryWorker
from tests.api.webhook_receiver import WebhookReceiver
from tests.factories import CallFactory

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,
    pytest.mark.redis,
]


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def worker_on_redis(settings, tmp_path, celery_eager):
    """Tasks go to Redis, on a queue of this test's own; `start()` starts a worker that
    may deliver to loopback and retries after 1, 2, 4 ... seconds."""
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    app = celery_eager
    queue = f"test-webhooks-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in ("broker_url", "task_default_queue")}
    app.conf.update(broker_url=REDIS_URL, task_default_queue=queue, task_always_eager=False)
    app.__dict__.pop("amqp", None)
    app._pool = None
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "DEBUG": "true",
        "WEBHOOKS_ALLOW_LOOPBACK": "true",
        "WEBHOOKS_RETRY_BASE_SECONDS": "1",
        "WEBHOOKS_TIMEOUT_SECONDS": "5",
    }
    workers: list[CeleryWorker] = []

    def start(concurrency: int = 2) -> CeleryWorker:
        workers.append(CeleryWorker(env, concurrency, tmp_path / f"worker-{len(workers)}.log"))
        workers[-1].wait_until_ready()
        return workers[-1]

    yield start
    for worker in workers:
        worker.kill()
    redis.Redis.from_url(REDIS_URL).delete(queue)
    app.conf.update(**saved)
    app.__dict__.pop("amqp", None)
    app._pool = None


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def endpoint_for(receiver: WebhookReceiver, path: str = "/hook") -> WebhookEndpoint:
    api_key, _secret = ApiKey.issue(name="A partner")
    return WebhookEndpoint.objects.create(
        api_key=api_key,
        url=receiver.url(path),
        events=["call.published", "call.cancelled"],
        owner_email="ops@partner.example",
    )


def open_draft():
    return CallFactory(
        opens_at=timezone.now() - timedelta(days=1),
        deadlines=[timezone.now() + timedelta(days=60)],
        published_at=None,
    )


def test_a_receiver_that_fails_then_recovers_gets_the_event_with_the_same_id(
    worker_on_redis, receiver
):
    endpoint = endpoint_for(receiver)
    receiver.answers = [500, 502, 503]
    worker_on_redis()
    call = open_draft()
    services.call_publish(call=call, user=None)
    wait_for(lambda: WebhookDelivery.objects.filter(state="delivered").exists(), timeout=90)
    requests = receiver.all()
    assert len(requests) == 4
    event = WebhookEvent.objects.get()
    assert {request.headers["webhook-id"] for request in requests} == {event.message_id}
    for request in requests:  # each attempt signed anew, all verifiable
        payload = Webhook(endpoint.secret).verify(request.body, request.headers)
        assert payload["id"] == event.message_id
        assert payload["data"]["call"]["identifier"] == call.identifier
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.last_status) == (4, 204)


def test_a_sigkilled_worker_loses_no_event(worker_on_redis, receiver, settings):
    """The worker is killed while it holds deliveries open (the receiver has them and has
    not answered): those rows roll back to pending, and the sweep queues them again for a
    new worker. Every event arrives, each under its own id; the ones in flight may arrive
    twice (at least once), with the same id."""
    endpoints = [endpoint_for(receiver, f"/hook/{number}") for number in range(4)]
    worker = worker_on_redis(concurrency=2)
    in_flight = []

    def kill_when_two_in_flight(request):
        in_flight.append(request)
        if len(in_flight) == 2 and worker.process.poll() is None:
            worker.kill()
        if worker.process.poll() is not None:
            time.sleep(1)  # the killed worker never reads this answer

    receiver.on_request = kill_when_two_in_flight
    calls = [open_draft() for _ in range(5)]
    for call in calls:
        services.call_publish(call=call, user=None)
    wait_for(lambda: worker.process.poll() is not None)
    assert WebhookDelivery.objects.filter(state="pending").count() >= 2

    receiver.on_request = None
    worker_on_redis(concurrency=2)
    settings.WEBHOOKS_REQUEUE_SECONDS = 0  # in production after 5 minutes
    delay_in_batches(webhooks_sweep())
    expected = len(calls) * len(endpoints)
    wait_for(lambda: WebhookDelivery.objects.filter(state="delivered").count() == expected)
    ids = {(r.path, r.headers["webhook-id"]) for r in receiver.all()}
    events = WebhookEvent.objects.all()
    assert ids == {(urlsplit(e.url).path, ev.message_id) for e in endpoints for ev in events}
    for request in receiver.all():
        endpoint = next(e for e in endpoints if e.url.endswith(request.path))
        Webhook(endpoint.secret).verify(request.body, request.headers)
