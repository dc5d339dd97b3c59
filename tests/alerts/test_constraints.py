"""The database refuses what the alerts' rules forbid, whatever the code above it does."""

import pytest
from django.db import IntegrityError, transaction

from alerts.models import Notification, Subscriber, Subscription
from tests.alerts.conftest import follow


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            Subscription.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_a_subscription_follows_exactly_one_thing(call):
    subscriber = Subscriber.objects.create(email="a@example.org")
    assert refused(subscriber=subscriber)
    assert refused(subscriber=subscriber, call=call, programme=call.programme)
    assert refused(subscriber=subscriber, call=call, search="?q=x")
    assert not refused(subscriber=subscriber, search="?q=x")


def test_an_address_follows_the_same_thing_once(call):
    subscription = follow(call=call)
    subscriber = subscription.subscriber
    assert refused(subscriber=subscriber, call=call)
    follow(programme=call.programme)
    assert refused(subscriber=subscriber, programme=call.programme)
    follow(search="?q=x")
    assert refused(subscriber=subscriber, search="?q=x")


def test_each_email_owed_is_one_row(call):
    subscription = follow(call=call)
    fields = {"subscription": subscription, "call": call, "kind": "reminder", "slot": "x/3d"}
    Notification.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(**fields)
