"""The outbox: an event of a call and its deliveries, written in the caller's transaction.

Nothing here talks to the broker: the callers (events.py for changes made through
calls/services.py, sweep.py for closing-soon events) queue what is due.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from api.call_representation import moment_text, represented
from api.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from calls.models import Call


def event_write(
    call: Call, event_type: str, data: dict, *, deliver_from: datetime | None = None, slot: str = ""
) -> tuple[WebhookEvent | None, list[int]]:
    """The event and a delivery for each enabled endpoint that wants it, and the ids of
    the deliveries due now (four queries and the call's representation). No endpoint
    wants it: nothing is written, (None, [])."""
    endpoints = [e for e in WebhookEndpoint.objects.enabled() if e.wants(event_type)]
    if not endpoints:
        return None, []
    at = timezone.now()
    event = WebhookEvent(type=event_type, call=call, slot=slot, created_at=at)
    event.body = body_of(event.message_id, event_type, at, call, data)
    event.save(force_insert=True)
    due = max(at, deliver_from) if deliver_from else at
    give_up_at = due + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            event=event, endpoint=e, next_attempt_at=due, give_up_at=give_up_at, created_at=at
        )
        for e in endpoints
    )
    return event, [delivery.pk for delivery in deliveries] if due <= at else []


def body_of(message_id: str, event_type: str, at: datetime, call: Call, data: dict) -> dict:
    """The JSON partners receive: the event's id, type and time, and the call as the API
    represents it (with its deadlines, status at that time), plus what happened."""
    return {
        "id": message_id,
        "type": event_type,
        "timestamp": iso(at),
        "data": {"call": represent(call, at), **data},
    }


def represent(call: Call, at: datetime) -> dict:
    """The call as GET /api/v1/calls/<identifier>/ shows it at `at` (one query)."""
    [represented_call] = represented(Call.objects.filter(pk=call.pk), at)
    return represented_call


def iso(moment: datetime) -> str:
    """A moment as the API writes it (ISO 8601, "Z" for UTC)."""
    return moment_text(moment)
