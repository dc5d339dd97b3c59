"""Limits of the subscribe forms: unconfirmed subscriptions per address, confirmation
e-mails per address and per client address. Over them the form says why (429) and
nothing is recorded or sent."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail

from alerts.models import Subscription
from tests.alerts.conftest import BEFORE_REMINDERS
from tests.alerts.test_subscribe import subscribe
from tests.factories import ProgrammeFactory


@pytest.fixture
def programmes(db):
    return [ProgrammeFactory() for _ in range(4)]


@pytest.fixture(autouse=True)
def low_limits(settings):
    settings.ALERTS_UNCONFIRMED_MAX = 3
    settings.ALERTS_CONFIRMATIONS_PER_ADDRESS = 4
    settings.ALERTS_CONFIRMATIONS_PER_CLIENT = 6


def refusal(response) -> str:
    assert response.status_code == 429
    return " ".join(response.context["form"].non_field_errors())


def test_an_address_may_have_only_so_many_subscriptions_waiting(
    client, programmes, django_capture_on_commit_callbacks
):
    def follow(programme):
        return subscribe(client, django_capture_on_commit_callbacks, programme=programme.slug)

    assert [follow(p).status_code for p in programmes[:3]] == [302] * 3
    response = follow(programmes[3])
    assert "already has 3 subscriptions waiting for confirmation" in refusal(response)
    assert Subscription.objects.count() == 3 and len(mail.outbox) == 3

    Subscription.objects.filter(programme=programmes[0]).update(confirmed_at=BEFORE_REMINDERS)
    assert follow(programmes[3]).status_code == 302


def test_an_address_gets_only_so_many_confirmations_a_day(
    client, programmes, django_capture_on_commit_callbacks
):
    statuses = []
    for minutes in range(0, 55, 11):  # past the 10 minutes between two for one subscription
        with time_machine.travel(BEFORE_REMINDERS + timedelta(minutes=minutes), tick=False):
            response = subscribe(
                client, django_capture_on_commit_callbacks, programme=programmes[0].slug
            )
            statuses.append(response.status_code)
    assert statuses == [302] * 4 + [429]
    assert "already sent several confirmation e-mails" in refusal(response)
    assert len(mail.outbox) == 4


def test_a_client_address_may_ask_only_so_many_confirmations_an_hour(
    client, programmes, django_capture_on_commit_callbacks
):
    def follow(number: int, address: str = "127.0.0.1"):
        client.defaults["REMOTE_ADDR"] = address
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/alerts/subscribe/",
                {"email": f"person{number}@example.org", "programme": programmes[0].slug},
            )

    assert [follow(number).status_code for number in range(6)] == [302] * 6
    assert "Too many subscriptions were asked for from your network" in refusal(follow(6))
    assert not Subscription.objects.filter(subscriber__email="person6@example.org").exists()
    assert follow(6, address="192.0.2.9").status_code == 302
    assert len(mail.outbox) == 7
