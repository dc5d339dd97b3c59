"""The events of calls, written by calls/services.py inside the transaction of the change
(the outbox, outbox.py): an event row with the body partners receive, and a delivery row
for each enabled endpoint that wants it. Once the transaction commits, their delivery is
queued; should that fail (broker down, process killed), the sweep queues them later.

A change to a call that is not public (a draft, a call published later) makes no event
but `call.published`, which is delivered from the moment of publication.
"""

from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from api.webhooks.models import EventType, WebhookEvent
from api.webhooks.outbox import event_write, iso
from api.webhooks.tasks import queue_deliveries
from calls.models import Call, CallChange

# The call's own fields whose change a `call.changed` event names (the API's names).
WATCHED_FIELDS = (
    "identifier",
    "parent_identifier",
    "title",
    "summary",
    "description",
    "programme_id",
    "type_of_action",
    "budget",
    "opens_at",
)


@dataclass(frozen=True)
class CallSnapshot:
    """What a call was before an edit: its watched fields and its latest recorded change."""

    values: dict
    last_change_id: int


def call_snapshot(call: Call) -> CallSnapshot:
    """Taken by `call_update` before it writes (one query)."""
    last = call.changes.aggregate(last=Max("pk"))["last"] or 0
    return CallSnapshot({name: getattr(call, name) for name in WATCHED_FIELDS}, last)


def call_published(call: Call) -> WebhookEvent | None:
    """A call made public now or from `published_at`: delivered from that moment."""
    return _emit(call, EventType.CALL_PUBLISHED, {}, deliver_from=call.published_at)


def call_updated(call: Call, before: CallSnapshot) -> list[WebhookEvent]:
    """After `call_update`: `call.changed` with the fields that changed and the changes
    recorded (CallChange), and a `call.deadline_moved` for each deadline moved."""
    if not _is_public(call):
        return []
    fields = [
        "programme" if name == "programme_id" else name
        for name, old in before.values.items()
        if getattr(call, name) != old
    ]
    changes = list(call.changes.filter(pk__gt=before.last_change_id).order_by("pk"))
    if not fields and not changes:
        return []
    data = {"fields": fields, "changes": [_change(change) for change in changes]}
    events = [_emit(call, EventType.CALL_CHANGED, data)]
    for change in changes:
        if change.kind == CallChange.Kind.DEADLINE_MOVED:
            events.append(call_deadline_moved(call, change))
    return [event for event in events if event is not None]


def call_deadline_moved(call: Call, change: CallChange) -> WebhookEvent | None:
    if not _is_public(call):
        return None
    return _emit(call, EventType.CALL_DEADLINE_MOVED, {"change": _change(change)})


def call_cancelled(call: Call, change: CallChange) -> WebhookEvent | None:
    if not _is_public(call):
        return None
    return _emit(call, EventType.CALL_CANCELLED, {"change": _change(change)})


def _emit(call: Call, event_type: str, data: dict, *, deliver_from=None) -> WebhookEvent | None:
    """Write the event and its deliveries; those due now are queued once the transaction
    commits (a scheduled publication's, by the sweep when its moment comes)."""
    event, due_ids = event_write(call, event_type, data, deliver_from=deliver_from)
    queue_deliveries(due_ids)
    return event


def _change(change: CallChange) -> dict:
    return {
        "kind": change.kind,
        "made_at": iso(change.made_at),
        "old_due_at": iso(change.old_due_at) if change.old_due_at else None,
        "new_due_at": iso(change.new_due_at) if change.new_due_at else None,
        "reason": change.reason,
    }


def _is_public(call: Call) -> bool:
    return call.is_public_at(timezone.now())
