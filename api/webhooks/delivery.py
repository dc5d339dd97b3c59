"""Delivering a webhook: at least once, the same event id on every attempt.

A task claims its delivery row inside a transaction (`SELECT ... FOR UPDATE SKIP
LOCKED`), POSTs the event while holding it, and records the outcome in that same
transaction. A second task for the same row finds it locked, delivered or not yet due,
and does nothing. A worker killed in the middle loses its database connection: the
transaction rolls back, the row stays pending and the sweep queues it again
(WEBHOOKS_REQUEUE_SECONDS later). The receiver may then get the event twice, with the
same `webhook-id`: at least once, never lost, which is what the Standard Webhooks
receivers expect (they deduplicate by id).

Each attempt is signed anew (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
`webhook-signature`, HMAC-SHA256 with the endpoint's secret) over the event's fixed body.
A failed attempt is tried again after 30 s, 1, 2, 4 ... minutes, at most 6 hours apart,
until a day has passed (WEBHOOKS_RETRY_HOURS); then the delivery fails, and if the
endpoint has not answered well since that event, the endpoint is disabled and its owner
told by e-mail.
"""

import http.client
import json
import logging
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook

from api.webhooks import emails
from api.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks.safety import Target, UnsafeUrl, resolve_target

logger = logging.getLogger(__name__)
USER_AGENT = "MigrationFundingPortal-Webhooks/1.0"
MAX_BACKOFF = timedelta(hours=6)
RECORDED_FIELDS = [
    "state",
    "attempts",
    "last_attempt_at",
    "last_status",
    "last_error",
    "delivered_at",
    "next_attempt_at",
]


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    status: int | None = None
    error: str = ""


@dataclass(frozen=True)
class Attempted:
    """What became of a delivery this worker attempted."""

    state: str
    next_attempt_at: datetime | None


def delivery_attempt(delivery_id: int, *, at: datetime | None = None) -> Attempted | None:
    """Attempt the delivery if it is pending and due at `at`; None if it was not this
    worker's to attempt (locked by another, delivered, failed or not due)."""
    at = at or timezone.now()
    disabled = False
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint")
            .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING, next_attempt_at__lte=at)
            .first()
        )
        if delivery is None:
            return None
        endpoint = delivery.endpoint
        if not endpoint.is_enabled:
            outcome = Outcome(False, error=_("The endpoint is disabled."))
        else:
            outcome = send(endpoint, delivery.event)
        disabled = _record(delivery, outcome, at)
    if disabled:
        _tell_owner(endpoint)
    return Attempted(delivery.state, delivery.next_attempt_at)


def send(endpoint: WebhookEndpoint, event: WebhookEvent, *, at: datetime | None = None) -> Outcome:
    """POST the event to the endpoint, signed; never follows a redirect."""
    try:
        target = resolve_target(endpoint.url)
    except UnsafeUrl as error:
        return Outcome(False, error=str(error))
    body = json.dumps(event.body, separators=(",", ":"), ensure_ascii=False)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signature_headers(endpoint.secret, event.message_id, body, at or timezone.now()),
    }
    connection = _connection(target, settings.WEBHOOKS_TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read(4096)
    except (OSError, http.client.HTTPException) as error:
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:500])
    finally:
        connection.close()
    if 200 <= response.status < 300:
        return Outcome(True, response.status)
    return Outcome(False, response.status, f"HTTP {response.status} {response.reason}"[:500])


def signature_headers(secret: str, message_id: str, body: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (standardwebhooks signs)."""
    at = at.astimezone(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 30 s, 1, 2, 4 ... minutes, at most 6 h."""
    base = timedelta(seconds=settings.WEBHOOKS_RETRY_BASE_SECONDS)
    return min(base * 2 ** min(attempts - 1, 20), MAX_BACKOFF)


def _record(delivery: WebhookDelivery, outcome: Outcome, at: datetime) -> bool:
    """Save the attempt's outcome; True if the endpoint was disabled by it."""
    delivery.attempts += 1
    delivery.last_attempt_at = at
    delivery.last_status = outcome.status
    delivery.last_error = outcome.error
    endpoints = WebhookEndpoint.objects.filter(pk=delivery.endpoint_id)
    disabled = False
    if outcome.delivered:
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = at
        if delivery.endpoint.failing_since is not None:  # as read with the row: no query
            endpoints.filter(failing_since__isnull=False).update(failing_since=None)
    else:
        # Failing since the moment this attempt was due (not made: a busy queue is not
        # the endpoint's fault), so that a day of failures compares with give_up_at.
        endpoints.filter(failing_since__isnull=True).update(failing_since=delivery.next_attempt_at)
        if at >= delivery.give_up_at or not delivery.endpoint.is_enabled:
            delivery.state = WebhookDelivery.State.FAILED
            disabled = _disable_if_dead(delivery, at)
        else:
            delivery.next_attempt_at = min(at + backoff(delivery.attempts), delivery.give_up_at)
    delivery.save(update_fields=RECORDED_FIELDS)
    return disabled


def _disable_if_dead(delivery: WebhookDelivery, at: datetime) -> bool:
    """Disable the endpoint if nothing reached it since this delivery was first due, a
    whole day of retries (a conditional UPDATE: of several workers, one disables it and
    tells the owner)."""
    reason = _("Every attempt failed for %(hours)d hours (last: %(error)s).") % {
        "hours": settings.WEBHOOKS_RETRY_HOURS,
        "error": delivery.last_error,
    }
    return bool(
        WebhookEndpoint.objects.filter(
            pk=delivery.endpoint_id,
            disabled_at__isnull=True,
            failing_since__lte=delivery.give_up_at - timedelta(hours=settings.WEBHOOKS_RETRY_HOURS),
        ).update(disabled_at=at, disabled_reason=reason[:300])
    )


def _tell_owner(endpoint: WebhookEndpoint) -> None:
    endpoint.refresh_from_db()
    try:
        emails.endpoint_disabled(endpoint).send()
    except (OSError, ConnectionError) as error:
        # The endpoint stays disabled either way; staff see it in the admin.
        logger.warning(
            "Could not tell %s that endpoint %s is disabled: %s",
            endpoint.owner_email,
            endpoint.pk,
            error,
        )


def _connection(target: Target, timeout: int) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, timeout)
    return _PinnedHTTPConnection(target, timeout)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address `safety` checked, not to whatever the name resolves to now."""

    def __init__(self, target: Target, timeout: int):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: int):
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
