"""The webhooks' periodic sweep (every minute, Celery beat): make the closing-soon events
due, and find the deliveries due that no task is bringing (a retry hours away, a
scheduled publication, a worker killed mid-delivery); the caller queues them.

Safe to run twice or at the same time: a closing-soon event is unique per call, type
and slot (a savepoint absorbs the race), and the due deliveries are claimed by a
conditional UPDATE of `queued_at`.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from alerts.models import Notification, due_reminder_days
from api.webhooks.models import EventType, WebhookDelivery, WebhookEvent
from api.webhooks.outbox import event_write
from calls.models import Call, Deadline


def webhooks_sweep(*, at: datetime | None = None) -> list[int]:
    """Write the closing-soon events due at `at`; return the ids of the deliveries to
    queue now (marked queued)."""
    at = at or timezone.now()
    with transaction.atomic():
        _plan_closing_soon(at)
        return _claim_due(at)


def _plan_closing_soon(at: datetime) -> None:
    """At each of the reminders' offsets (ALERTS_REMINDER_DAYS) before a deadline of a
    public call still running, one `call.closing_soon` event; of several offsets due at
    once (the sweep did not run), only the most recent."""
    offsets = settings.ALERTS_REMINDER_DAYS
    deadlines = Deadline.objects.filter(
        due_at__gt=at,
        due_at__lte=at + timedelta(days=max(offsets) + 1),
        call__in=Call.objects.public(at=at).exclude(cancelled_at__lte=at),
    ).select_related("call")
    for deadline in deadlines:
        days_due = due_reminder_days(deadline.due_at, at, offsets)
        if not days_due:
            continue
        slot = Notification.reminder_slot(deadline.due_at, days_due[0])
        exists = WebhookEvent.objects.filter(
            call=deadline.call, type=EventType.CALL_CLOSING_SOON, slot=slot
        ).exists()
        if not exists:
            _write_closing_soon(deadline, days_due[0], slot)


def _write_closing_soon(deadline: Deadline, days: int, slot: str) -> None:
    data = {"deadline": {"id": deadline.pk, "label": deadline.label}, "days_before": days}
    try:
        with transaction.atomic():
            event_write(deadline.call, EventType.CALL_CLOSING_SOON, data, slot=slot)
    except IntegrityError:
        pass  # another sweep wrote it meanwhile (unique_webhook_event_slot)


def _claim_due(at: datetime) -> list[int]:
    """The pending deliveries due whose task is not on its way: never queued, or queued
    longer than WEBHOOKS_REQUEUE_SECONDS ago (its task was lost)."""
    stale = at - timedelta(seconds=settings.WEBHOOKS_REQUEUE_SECONDS)
    due = WebhookDelivery.objects.filter(
        Q(queued_at__isnull=True) | Q(queued_at__lte=stale),
        state=WebhookDelivery.State.PENDING,
        next_attempt_at__lte=at,
    )
    ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(queued_at=at)
    return ids
