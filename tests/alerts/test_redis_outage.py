"""Redis down (cache and broker), with the real parts: a Redis of the test's own that it
stops and starts again, a Celery worker on it, PostgreSQL, an SMTP server in the test
process. Pages and the API keep serving, subscriptions are kept, and their confirmations
arrive once Redis is back (the sweep queues those never sent)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Subscription
from alerts.tasks import sweep_and_queue
from tests.alerts.celery_worker import CeleryWorker, worker_environment
from tests.alerts.test_worker import wait_for
from tests.factories import CallFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,
]


def test_with_redis_down_the_portal_serves_and_confirmations_arrive_once_it_is_back(
    client, redis_server, cache_on, celery_broker, smtp_server, tmp_path
):
    now = timezone.now()
    call = CallFactory(opens_at=now - timedelta(days=5), deadlines=[now + timedelta(days=40)])
    queue = f"test-outage-{uuid.uuid4().hex}"
    cache_on(redis_server.url)
    celery_broker(redis_server.url, queue)
    redis_server.stop()

    pages = ["/", "/calls/", call.get_absolute_url(), "/api/v1/calls/", "/api/v1/funds/"]
    assert [client.get(page).status_code for page in pages] == [200] * len(pages)
    for email in ["first@example.org", "second@example.org"]:
        response = client.post("/alerts/subscribe/", {"email": email, "call": call.identifier})
        assert response.status_code == 302
    assert Subscription.objects.filter(confirmation_sent_at=None).count() == 2

    redis_server.start()
    worker = CeleryWorker(
        worker_environment(redis_server.url, queue, smtp_server.url), 1, tmp_path / "worker.log"
    )
    try:
        worker.wait_until_ready()
        assert len(sweep_and_queue().confirmations) == 2
        wait_for(lambda: smtp_server.count() == 2, timeout=60)
    finally:
        worker.kill()
    assert {message["To"] for message in smtp_server.messages} == {
        "first@example.org",
        "second@example.org",
    }
    assert not Subscription.objects.filter(confirmation_sent_at=None).exists()
