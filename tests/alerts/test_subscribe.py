"""Subscribing: the forms on call, programme and /calls/ pages, double opt-in, and
confirmation links that a mail scanner can open without confirming anything."""

import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from alerts.models import Notification, Subscriber, Subscription
from foundation.brussels import BRUSSELS
from tests.alerts.conftest import BEFORE_REMINDERS
from tests.conftest import SITE_URL

SUBSCRIBE_URL = "/alerts/subscribe/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(BEFORE_REMINDERS, tick=False):
        yield


def subscribe(client, django_capture_on_commit_callbacks, path=SUBSCRIBE_URL, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(path, {"email": "Applicant@Example.org", **data})


def confirm_link(message) -> str:
    return re.search(
        re.escape(SITE_URL) + r"(/\S*/alerts/confirm/\S+/|/alerts/confirm/\S+/)", message.body
    ).group(1)


def test_call_page_has_a_reminder_form_posting_email_to_subscribe(client, call):
    html = client.get(call.get_absolute_url()).content.decode()
    form = html[html.index("Remind me before the deadline") :]
    assert f'action="{SUBSCRIBE_URL}"' in form
    assert 'name="email"' in form and 'type="email"' in form
    assert f'name="call" value="{call.identifier}"' in form
    assert '<label for="alert-signup-email">' in form
    assert "Get an e-mail 14, 3 and 1 days before each deadline" in form


def test_programme_page_has_a_new_calls_form(client, call):
    html = client.get(call.programme.get_absolute_url()).content.decode()
    form = html[html.index("New calls in this programme") :]
    assert f'action="{SUBSCRIBE_URL}"' in form
    assert f'name="programme" value="{call.programme.slug}"' in form


def test_calls_page_offers_to_save_the_search(client, call):
    html = client.get("/calls/?q=trafficking&fund=TESTF&status=open").content.decode()
    form = html[html.index("Alert me about new calls matching this search") :]
    assert 'name="search" value="q=trafficking&amp;fund=TESTF&amp;status=open"' in form


def test_subscribing_sends_a_confirmation_and_nothing_else(
    client, call, django_capture_on_commit_callbacks
):
    response = subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
    assert response.status_code == 302
    assert response["Location"] == reverse("alerts_subscribe_sent")
    subscription = Subscription.objects.get()
    assert subscription.subscriber.email == "applicant@example.org"
    assert subscription.call == call and subscription.confirmed_at is None
    (message,) = mail.outbox
    assert message.to == ["applicant@example.org"]
    assert message.subject == "Confirm your e-mail alert"
    assert call.identifier in message.body
    assert message.alternatives[0][1] == "text/html"


def test_asking_again_soon_does_not_send_another_confirmation(
    client, call, django_capture_on_commit_callbacks
):
    for _ in range(3):
        subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
    assert len(mail.outbox) == 1
    assert Subscription.objects.count() == 1


def test_a_confirmation_link_opened_with_get_confirms_nothing(
    client, call, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
    link = confirm_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert b'<button type="submit">Confirm</button>' in page.content
    assert Subscription.objects.get().confirmed_at is None


def test_the_button_confirms(client, call, django_capture_on_commit_callbacks):
    subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
    page = client.post(confirm_link(mail.outbox[0]))
    assert page.status_code == 200
    assert b"Subscription confirmed" in page.content
    assert Subscription.objects.get().confirmed_at == BEFORE_REMINDERS


def test_a_forged_or_expired_confirmation_link_is_refused(
    client, call, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
    link = confirm_link(mail.outbox[0])
    assert client.post(link.replace("/confirm/", "/confirm/x")).status_code == 404
    with time_machine.travel(BEFORE_REMINDERS.astimezone(BRUSSELS).replace(day=18), tick=False):
        assert client.post(link).status_code == 404
    assert Subscription.objects.get().confirmed_at is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-address", "call": "X"}, "email"),
        ({"email": "a@example.org", "call": "AMIF-1999-NOPE"}, "call"),
        ({"email": "a@example.org", "programme": "no-such-programme"}, "programme"),
        ({"email": "a@example.org"}, None),
        ({"email": "a@example.org", "search": "closes_after=not-a-date"}, "search"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_stored(client, db, data, field):
    response = client.post(SUBSCRIBE_URL, data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] if field else form.non_field_errors()
    assert b"There is a problem" in response.content
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_a_saved_search_keeps_what_was_looked_for(client, call, django_capture_on_commit_callbacks):
    search = "status=open&sort=closes_at&q=trafficking&page=2&fund=TESTF&theme="
    subscribe(client, django_capture_on_commit_callbacks, search=search)
    assert Subscription.objects.get().search == "?q=trafficking&fund=TESTF"


def test_a_subscription_from_a_french_page_is_in_french(
    client, call, django_capture_on_commit_callbacks
):
    response = subscribe(
        client,
        django_capture_on_commit_callbacks,
        path="/fr" + SUBSCRIBE_URL,
        programme=call.programme.slug,
    )
    assert response["Location"] == "/fr/alerts/subscribe/sent/"
    assert Subscriber.objects.get().language == "fr"
    (message,) = mail.outbox
    assert message.subject == "Confirmez votre alerte par e-mail"
    assert "/fr/alerts/confirm/" in message.body


def test_unconfirmed_addresses_are_deleted_after_a_week(
    client, call, run_sweep, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
    run_sweep(BEFORE_REMINDERS.replace(day=16))
    assert Subscriber.objects.exists()
    run_sweep(BEFORE_REMINDERS.replace(day=18))
    assert not Subscriber.objects.exists()
    assert not Notification.objects.exists()


def test_a_closed_call_cannot_be_followed(client, call, django_capture_on_commit_callbacks):
    with time_machine.travel(BEFORE_REMINDERS.replace(month=7), tick=False):
        response = subscribe(client, django_capture_on_commit_callbacks, call=call.identifier)
    assert response.status_code == 400
    assert "This call is closed" in response.context["form"].errors["call"][0]
    assert not Subscriber.objects.exists()
