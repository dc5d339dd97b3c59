"""Webhooks with a real HTTP receiver in the test process (Celery eager): registration
through the API, the events of calls/services.py, Standard Webhooks signatures checked
with the `standardwebhooks` library, retries with the same id, redelivery, SSRF refusals.

tests/api/test_webhooks_worker.py does the same through a real Celery worker on Redis.
"""

from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from api.models import ApiKey
from api.webhooks.delivery import backoff, delivery_attempt
from api.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks.sweep import webhooks_sweep
from calls import services
from calls.models import Call
from foundation.brussels import deadline_on
from tests.api.conftest import key_client
from tests.api.webhook_receiver import WebhookReceiver
from tests.calls.ft_data import amif_topic, answer_file
from tests.factories import CallFactory, FundFactory, ProgrammeFactory

ALL_EVENTS = [
    "call.published",
    "call.changed",
    "call.deadline_moved",
    "call.cancelled",
    "call.closing_soon",
]


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 2


@pytest.fixture
def partner(db):
    api_key, secret = ApiKey.issue(name="A partner")
    return key_client(secret)


def register(client, url: str, events=None, **fields):
    body = {"url": url, "events": events or ALL_EVENTS, "owner_email": "ops@partner.example"}
    return client.post(reverse("webhook-endpoint-list"), body | fields, format="json")


@pytest.fixture
def endpoint(partner, receiver):
    response = register(partner, receiver.url())
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def call(db):
    return CallFactory(
        opens_at=timezone.now() - timedelta(days=10),
        deadlines=[timezone.now() + timedelta(days=40)],
        published_at=None,
    )


def publish(call):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.call_publish(call=call, user=None)


def verified(endpoint: dict, request) -> dict:
    """The payload, as a partner reads it: standardwebhooks checks the signature."""
    return Webhook(endpoint["secret"]).verify(request.body, request.headers)


def test_a_partner_registers_an_endpoint_and_sees_the_secret_once(partner, endpoint):
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["enabled"] is True
    detail = partner.get(reverse("webhook-endpoint-detail", args=[endpoint["id"]])).json()
    assert "secret" not in detail
    listed = partner.get(reverse("webhook-endpoint-list")).json()["results"]
    assert [row["id"] for row in listed] == [endpoint["id"]]
    assert all("secret" not in row for row in listed)


def test_endpoints_need_a_key_and_belong_to_it(api, endpoint):
    assert register(api, "https://example.org/").status_code == 401
    other = key_client(ApiKey.issue(name="Another partner")[1])
    assert other.get(reverse("webhook-endpoint-detail", args=[endpoint["id"]])).status_code == 404
    assert other.get(reverse("webhook-endpoint-list")).json()["results"] == []
    assert (
        other.delete(reverse("webhook-endpoint-detail", args=[endpoint["id"]])).status_code == 404
    )


def test_unknown_events_are_refused_with_the_field(partner, receiver):
    response = register(partner, receiver.url(), events=["call.exploded"])
    assert response.status_code == 400
    assert response.json() == {"events.0": ['"call.exploded" is not a valid choice.']}


def test_a_published_call_is_delivered_signed_with_the_call_as_the_api_shows_it(
    api, endpoint, receiver, call, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.call_publish(call=call, user=None)
    (request,) = receiver.all()
    payload = verified(endpoint, request)
    event = WebhookEvent.objects.get()
    assert request.headers["webhook-id"] == payload["id"] == event.message_id
    assert request.headers["content-type"] == "application/json"
    assert payload["type"] == "call.published"
    assert datetime.fromisoformat(payload["timestamp"]) == event.created_at
    shown = api.get(reverse("call-detail", args=[call.identifier])).json()
    assert payload["data"]["call"] == shown
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 1, 204)


def test_a_tampered_payload_fails_verification(endpoint, receiver, call):
    publish(call)
    (request,) = receiver.all()
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(
            request.body.replace(b"published", b"cancelled"), request.headers
        )


def test_a_change_says_what_changed_as_call_change_records_it(endpoint, receiver, call):
    publish(call)
    deadline = call.deadlines.get()
    moved = deadline.due_at + timedelta(days=7)
    call.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.call_update(
            call=call,
            user=None,
            expected_version=call.version,
            fields={"title": "A new title"},
            deadlines=[services.DeadlineInput(due_at=moved, pk=deadline.pk)],
        )
    payloads = {r.json["type"]: verified(endpoint, r) for r in receiver.all()}
    assert set(payloads) == {"call.published", "call.changed", "call.deadline_moved"}
    changed = payloads["call.changed"]["data"]
    assert changed["fields"] == ["title"]
    assert [c["kind"] for c in changed["changes"]] == ["deadline-moved"]
    assert changed["call"]["title"] == "A new title"
    change = payloads["call.deadline_moved"]["data"]["change"]
    assert datetime.fromisoformat(change["old_due_at"]) == deadline.due_at
    assert datetime.fromisoformat(change["new_due_at"]) == moved


def test_cancelled_and_extended(endpoint, receiver, call, django_capture_on_commit_callbacks):
    publish(call)
    deadline = call.deadlines.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.call_extend_deadline(
            deadline=deadline, user=None, due_at=deadline.due_at + timedelta(days=1), reason="Late"
        )
        services.call_cancel(call=call, user=None, reason="Budget withdrawn")
    types = [r.json["type"] for r in receiver.all()]
    assert types == ["call.published", "call.deadline_moved", "call.cancelled"]
    cancelled = verified(endpoint, receiver.all()[-1])["data"]
    assert cancelled["change"]["reason"] == "Budget withdrawn"
    assert cancelled["call"]["status"] == "cancelled"


def test_only_the_events_wanted_and_nothing_for_drafts(partner, receiver, call):
    register(partner, receiver.url(), events=["call.cancelled"])
    publish(call)
    assert receiver.count() == 0 and not WebhookEvent.objects.exists()
    draft = CallFactory(published_at=None)
    services.call_cancel(call=draft, user=None, reason="Never mind")
    assert not WebhookEvent.objects.exists()


def test_a_change_that_rolls_back_leaves_no_event(endpoint, receiver, call):
    publish(call)
    call.refresh_from_db()
    kept = [services.DeadlineInput(due_at=d.due_at, pk=d.pk) for d in call.deadlines.all()]
    with pytest.raises(ValidationError):
        services.call_update(
            call=call,
            user=None,
            expected_version=call.version,
            fields={"title": ""},
            deadlines=kept,
        )
    assert list(WebhookEvent.objects.values_list("type", flat=True)) == ["call.published"]


def test_a_scheduled_publication_is_delivered_from_its_moment(endpoint, receiver, call):
    later = timezone.now() + timedelta(hours=2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.call_publish(call=call, user=None, at=later)
    assert receiver.count() == 0
    assert webhooks_sweep() == []
    with time_machine.travel(later + timedelta(seconds=1), tick=False):
        (due,) = webhooks_sweep()
        delivery_attempt(due)
    assert [r.json["type"] for r in receiver.all()] == ["call.published"]


@pytest.mark.parametrize(
    ("now", "days"),
    [
        (datetime(2025, 6, 16, 15, 0, 1, tzinfo=UTC), 14),  # 14 days before 17:00 Brussels
        (datetime(2025, 6, 27, 15, 0, 1, tzinfo=UTC), 3),
        (datetime(2025, 6, 29, 16, 0, tzinfo=UTC), 1),  # sweep missed days: the latest only
    ],
)
def test_closing_soon_at_the_reminders_offsets_once(endpoint, receiver, now, days):
    call = CallFactory(deadlines=[deadline_on(date(2025, 6, 30))])
    with time_machine.travel(now, tick=False):
        due = webhooks_sweep() + webhooks_sweep()
        for delivery_id in due:
            delivery_attempt(delivery_id)
    (request,) = receiver.all()
    payload = verified_at(endpoint, request, now)
    assert payload["type"] == "call.closing_soon"
    assert payload["data"]["days_before"] == days
    assert payload["data"]["call"]["identifier"] == call.identifier


def test_no_closing_soon_before_the_first_offset(endpoint, receiver):
    CallFactory(deadlines=[deadline_on(date(2025, 6, 30))])
    with time_machine.travel(datetime(2025, 6, 16, 14, 59, tzinfo=UTC), tick=False):
        assert webhooks_sweep() == []
    assert not WebhookEvent.objects.exists()


def verified_at(endpoint: dict, request, now: datetime) -> dict:
    with time_machine.travel(now, tick=False):
        return verified(endpoint, request)


def test_a_failing_receiver_gets_the_same_event_id_once_it_recovers(endpoint, receiver, call):
    receiver.answers = [500, 503]
    publish(call)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at - delivery.last_attempt_at == backoff(1)
    moments = [delivery.next_attempt_at, delivery.next_attempt_at + backoff(2)]
    for moment in moments:
        with time_machine.travel(moment, tick=False):
            delivery_attempt(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 3)
    ids = {request.headers["webhook-id"] for request in receiver.all()}
    assert ids == {delivery.event.message_id} and receiver.count() == 3
    with time_machine.travel(moments[-1], tick=False):
        verified(endpoint, receiver.all()[-1])


def test_backoff_is_exponential_and_capped(settings):
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 30
    waits = [backoff(attempts).total_seconds() for attempts in range(1, 14)]
    assert waits[:5] == [30, 60, 120, 240, 480]
    assert max(waits) == 6 * 3600


def test_after_a_day_of_failures_the_endpoint_is_disabled_and_its_owner_told(
    partner, endpoint, receiver, call
):
    receiver.answers = [500] * 100
    publish(call)
    delivery = WebhookDelivery.objects.get()
    attempts = 1
    while delivery.state == "pending":
        with time_machine.travel(delivery.next_attempt_at, tick=False):
            delivery_attempt(delivery.pk)
        delivery.refresh_from_db()
        attempts += 1
    assert delivery.state == "failed"
    assert delivery.last_attempt_at >= delivery.event.created_at + timedelta(hours=24)
    assert 10 <= attempts <= 20
    endpoint_row = WebhookEndpoint.objects.get()
    assert endpoint_row.disabled_at is not None
    (message,) = mail.outbox
    assert message.to == ["ops@partner.example"]
    assert endpoint_row.url in message.subject
    assert "HTTP 500" in message.body
    shown = partner.get(reverse("webhook-endpoint-detail", args=[endpoint["id"]])).json()
    assert shown["enabled"] is False

    # Nothing more is sent to it; enabled again, a redelivery goes through.
    services.call_cancel(call=call, user=None, reason="Closed early")
    assert WebhookEvent.objects.count() == 1
    url = reverse("webhook-endpoint-detail", args=[endpoint["id"]])
    assert partner.patch(url, {"enabled": True}, format="json").json()["enabled"] is True
    receiver.answers = []
    redeliver = reverse("webhook-delivery-redeliver", args=[delivery.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = partner.post(redeliver)
    assert response.status_code == 202
    assert receiver.count() == delivery.attempts + 1
    assert receiver.all()[-1].headers["webhook-id"] == delivery.event.message_id
    delivery.refresh_from_db()
    assert delivery.state == "delivered"


def test_a_partner_lists_its_recent_deliveries(partner, endpoint, receiver, call):
    publish(call)
    rows = partner.get(reverse("webhook-delivery-list")).json()["results"]
    (row,) = rows
    assert row["event_type"] == "call.published" and row["state"] == "delivered"
    assert row["event_id"] == receiver.all()[0].headers["webhook-id"]
    assert row["call"] == call.identifier
    other = key_client(ApiKey.issue(name="Another partner")[1])
    assert other.get(reverse("webhook-delivery-list")).json()["results"] == []
    redeliver = reverse("webhook-delivery-redeliver", args=[row["id"]])
    assert other.post(redeliver).status_code == 404


def test_a_redirect_is_not_followed(endpoint, receiver, call):
    receiver.answers = [302]
    receiver.headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
    publish(call)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.last_status) == ("pending", 302)
    assert delivery.last_error.startswith("HTTP 302")
    assert receiver.count() == 1


def test_a_slow_receiver_times_out(endpoint, receiver, call, settings):
    settings.WEBHOOKS_TIMEOUT_SECONDS = 1
    receiver.delay = 2
    publish(call)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending"
    assert "timed out" in delivery.last_error.lower()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:{port}/hook", "loopback address (127.0.0.1)"),
        ("http://localhost:{port}/hook", "loopback address"),
        ("http://[::1]:{port}/hook", "loopback address (::1)"),
        ("https://10.1.2.3/hook", "private or reserved address (10.1.2.3)"),
        ("https://192.168.0.10/hook", "private or reserved address"),
        ("https://169.254.169.254/latest/meta-data/", "link-local address (169.254.169.254)"),
        ("https://[fe80::1]/hook", "link-local address"),
        ("https://[::ffff:10.0.0.1]/hook", "private or reserved address (10.0.0.1)"),
        ("https://0.0.0.0/hook", "private or reserved address"),
        ("https://100.64.0.1/hook", "private or reserved address"),
        ("ftp://example.org/hook", "must start with https://"),
        ("https://user:pw@example.org/hook", "user name or password"),
        ("https://nowhere.invalid/hook", "does not resolve"),
    ],
)
def test_ssrf_attempts_are_refused_at_registration(partner, receiver, settings, url, message):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    port = receiver.server.server_address[1]
    response = register(partner, url.format(port=port))
    assert response.status_code == 400
    assert message in response.json()["url"][0]
    assert not WebhookEndpoint.objects.exists()


def test_plain_http_is_refused_in_production_even_to_a_public_address(partner, settings):
    settings.DEBUG = False
    response = register(partner, "http://93.184.215.14/hook")
    assert response.status_code == 400
    assert "https://" in response.json()["url"][0]


def test_a_url_that_turns_unsafe_is_refused_at_delivery(endpoint, receiver, call, settings):
    """Checked again at each attempt: a host that now resolves to loopback (or a flag
    turned off) gets nothing, and no connection is made."""
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    publish(call)
    assert receiver.count() == 0
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending"
    assert "loopback address" in delivery.last_error


def test_staff_register_an_endpoint_in_the_admin_and_see_the_secret_once(admin_client, receiver):
    response = admin_client.post(
        reverse("admin:api_webhookendpoint_add"),
        {"url": receiver.url(), "events": ["call.published"], "owner_email": "ops@x.example"},
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in response.text
    detail = admin_client.get(reverse("admin:api_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret not in detail.text


def test_the_admin_refuses_an_unsafe_url(admin_client, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = False
    response = admin_client.post(
        reverse("admin:api_webhookendpoint_add"),
        {"url": "https://10.0.0.1/", "events": ["call.published"], "owner_email": "a@b.example"},
    )
    assert response.status_code == 200
    assert "private or reserved address" in response.text
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_whose_host_no_longer_resolves_can_still_be_disabled(partner, endpoint):
    WebhookEndpoint.objects.update(url="https://gone.invalid/hook")
    url = reverse("webhook-endpoint-detail", args=[endpoint["id"]])
    response = partner.patch(url, {"enabled": False}, format="json")
    assert response.status_code == 200 and response.json()["enabled"] is False
    response = partner.patch(url, {"enabled": True}, format="json")
    assert response.status_code == 400
    assert "does not resolve" in response.json()["url"][0]


# --- The EU Funding & Tenders import is a door like the others --------------------------

FT_START = "2026-01-05T00:00:00.000+0000"


def ft_topic_file(tmp_path, dates: list[str]) -> str:
    topic = amif_topic(startDate=FT_START, deadlineModel="multiple cut-off", deadlineDate=dates)
    return answer_file(tmp_path, topic)


@pytest.mark.django_db(transaction=True)
def test_an_imported_topic_published_then_moved_reaches_the_webhooks(endpoint, receiver, tmp_path):
    ProgrammeFactory(fund=FundFactory(code="AMIF", call_prefix="AMIF"), slug="amif-2021-2027")
    later = "2027-09-17T00:00:00.000+0000"
    call_command(
        "import_ft",
        ft_topic_file(tmp_path, ["2027-04-29T00:00:00.000+0000", later]),
        stdout=StringIO(),
    )
    call_command(
        "import_ft",
        ft_topic_file(tmp_path, ["2027-05-06T00:00:00.000+0000", later]),
        stdout=StringIO(),
    )
    payloads = [verified(endpoint, request) for request in receiver.all()]
    assert [p["type"] for p in payloads] == [
        "call.published",
        "call.changed",
        "call.deadline_moved",
    ]
    assert {p["data"]["call"]["identifier"] for p in payloads} == {Call.objects.get().identifier}
    moved = payloads[-1]["data"]["change"]
    assert moved["old_due_at"].startswith("2027-04-29")
    assert moved["new_due_at"].startswith("2027-05-06")
