"""With the broker (Redis) down, subscribing still shows the usual page and keeps the
subscription; its confirmation is marked sent only once it was, and the sweep queues it
again. The broker is a Redis of the test's own, stopped."""

import logging

import pytest
import time_machine
from django.core import mail

from alerts.models import Subscription
from tests.alerts.conftest import BEFORE_REMINDERS
from tests.alerts.test_subscribe import subscribe


@pytest.fixture
def broker_down(redis_server, celery_broker):
    redis_server.stop()
    celery_broker(redis_server.url, "test-broker-outage")


def test_subscribing_with_the_broker_down_keeps_the_subscription_for_the_sweep(
    client, call, broker_down, celery_eager, run_sweep, caplog, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE_REMINDERS), caplog.at_level(logging.WARNING):
        first = subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
        again = subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)

    assert first.status_code == again.status_code == 302
    assert first["Location"] == "/alerts/subscribe/sent/"
    subscription = Subscription.objects.get()
    assert subscription.confirmation_sent_at is None
    assert subscription.confirmation_queued_at is None
    # Asked again, it tried again instead of taking the lost e-mail as sent.
    assert caplog.text.count("not queued, the broker is down") == 2
    assert not mail.outbox

    celery_eager.conf.task_always_eager = True  # the broker is back
    run_sweep(BEFORE_REMINDERS.replace(hour=9))

    (message,) = mail.outbox
    assert message.to == ["applicant@example.org"]
    subscription.refresh_from_db()
    assert subscription.confirmation_sent_at is not None


def test_a_confirmation_sent_is_not_queued_again(
    client, call, run_sweep, django_capture_on_commit_callbacks
):
    with time_machine.travel(BEFORE_REMINDERS, tick=False):
        subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
    run_sweep(BEFORE_REMINDERS.replace(hour=12))
    assert len(mail.outbox) == 1
