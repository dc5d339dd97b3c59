"""Leaving: the signed manage page, one-click unsubscribe (RFC 8058), and deletion that
removes the address, not just a flag."""

import re

import pytest
from django.core import mail
from django.db import connection

from alerts import links
from alerts.models import Notification, Subscriber, Subscription
from tests.alerts.conftest import follow
from tests.alerts.test_reminders import brussels
from tests.conftest import SITE_URL
from tests.factories import CallFactory


@pytest.fixture
def reminded(call, run_sweep):
    """An address following a call and its programme that has had a reminder."""
    follow(call=call)
    follow(programme=call.programme)
    run_sweep(brussels(2025, 6, 27, 17, 0))
    (message,) = mail.outbox
    return message


def path_of(url: str) -> str:
    return url.removeprefix(SITE_URL)


def test_every_email_links_to_the_manage_page(reminded, client):
    manage = re.search(r"Manage your subscriptions: (\S+)", reminded.body).group(1)
    page = client.get(path_of(manage))
    assert page.status_code == 200
    html = page.content.decode()
    assert "applicant@example.org" in html
    assert html.count('name="subscription"') == 2


def test_ending_one_subscription_keeps_the_others(reminded, client):
    subscriber = Subscriber.objects.get()
    call_subscription = subscriber.subscriptions.get(call__isnull=False)
    url = path_of(links.manage_url(subscriber))
    response = client.post(url, {"subscription": [call_subscription.pk], "end_selected": ""})
    assert response.status_code == 302
    assert list(subscriber.subscriptions.values_list("programme", flat=True)) == [
        Subscription.objects.get().programme_id
    ]


def test_ending_all_deletes_the_address_and_what_was_sent(reminded, client):
    url = path_of(links.manage_url(Subscriber.objects.get()))
    client.post(url, {"end_all": ""})
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()
    assert not Notification.objects.exists()
    assert b"Unsubscribed" in client.get(url, follow=True).content
    # No table keeps the address.
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column}" AS TEXT) LIKE %s',
                    ["%applicant@example.org%"],
                )
                assert cursor.fetchone()[0] == 0, (table, column)


def test_the_unsubscribe_link_opened_with_get_ends_nothing(reminded, client):
    url = path_of(reminded.extra_headers["List-Unsubscribe"].strip("<>"))
    page = client.get(url)
    assert page.status_code == 200
    assert b'<button type="submit">Unsubscribe</button>' in page.content
    assert Subscription.objects.count() == 2


def test_one_click_unsubscribe_ends_the_subscription_the_email_was_for(reminded):
    from django.test import Client

    url = path_of(reminded.extra_headers["List-Unsubscribe"].strip("<>"))
    # As a mail provider sends it: a POST without cookies or CSRF token (RFC 8058).
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert list(Subscription.objects.values_list("programme_id", flat=True)) != [None]
    assert not Subscription.objects.filter(call__isnull=False).exists()


def test_the_last_unsubscribe_deletes_the_address(call, run_sweep, client):
    follow(call=call)
    run_sweep(brussels(2025, 6, 27, 17, 0))
    url = path_of(mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>"))
    client.post(url)
    assert not Subscriber.objects.exists()
    assert not Notification.objects.exists()


def test_a_tampered_link_ends_nothing(reminded, client):
    subscriber = Subscriber.objects.get()
    other = follow(call=CallFactory(), email="someone-else@example.org")
    good = links.unsubscribe_url(subscriber, list(subscriber.subscriptions.all()))
    token = good.rstrip("/").rsplit("/", 1)[1]
    forged = token.replace(token.split(":")[0], str(other.pk))
    client.post(f"/alerts/unsubscribe/{forged}/")
    client.post(f"/alerts/manage/{forged}/", {"end_all": ""})
    assert Subscription.objects.count() == 3


@pytest.mark.parametrize("view", ["alerts_unsubscribe", "alerts_manage"])
def test_the_link_pages_take_as_many_queries_for_many_subscriptions_as_for_one(call, client, view):
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        subscriber = Subscriber.objects.get()
        subscriptions = list(subscriber.subscriptions.all())
        url = links.unsubscribe_url(subscriber, subscriptions)
        if view == "alerts_manage":
            url = links.manage_url(subscriber)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path_of(url)).status_code == 200
        return len(captured)

    follow(call=call)
    one = queries()
    for _ in range(4):
        follow(call=CallFactory())
        follow(programme=CallFactory().programme)
    assert queries() == one
