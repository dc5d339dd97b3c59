"""The periodic sweep: create the notifications due now, and mark what is to be queued.

Celery beat runs it every 15 minutes; `python manage.py send_reminders` runs it once.
Both queue what it returns (`alerts.tasks.sweep_and_queue`): the sweep itself queues
nothing, so that it imports no task (the tasks import it). It is safe to run twice or at
the same time: every notification is a row unique per (subscription, call, kind, slot),
created with ON CONFLICT DO NOTHING, and only the task that claims a pending row sends
it (alerts/delivery.py). A job that was down catches up: whatever is still due is
created then, and of several reminders due at once only the most recent is sent.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone

from alerts.models import (
    SUPERSEDED,
    Notification,
    Subscriber,
    Subscription,
    due_reminder_days,
)
from calls.filters import CallFilter
from calls.models import Call, CallChange, CallStatus, Deadline

logger = logging.getLogger(__name__)

# Changes and new calls older than this are not announced any more.
LOOKBACK = timedelta(days=7)
NOTICE_KINDS = {
    CallChange.Kind.DEADLINE_MOVED: Notification.Kind.DEADLINE_CHANGED,
    CallChange.Kind.DEADLINE_ADDED: Notification.Kind.DEADLINE_CHANGED,
    CallChange.Kind.DEADLINE_REMOVED: Notification.Kind.DEADLINE_CHANGED,
    CallChange.Kind.CANCELLED: Notification.Kind.CANCELLED,
}
# New rows after which the sweep refreshes the planner's statistics of notifications.
ANALYZE_AFTER = 1000


@dataclass
class SweepReport:
    """What a sweep did: rows created and skipped, and the ids it marked as queued, for
    the caller to queue once the sweep's transaction has committed."""

    created: int = 0
    skipped: int = 0
    queued: list[int] = field(default_factory=list)
    digests: list[int] = field(default_factory=list)
    confirmations: list[int] = field(default_factory=list)


def alerts_sweep(*, at: datetime | None = None) -> SweepReport:
    """Create what is due at `at` (default: now), in one transaction, and return it with
    what is now marked as queued: notifications (`queued`), addresses owed a digest
    (`digests`) and subscriptions whose confirmation was never sent (`confirmations`)."""
    at = at or timezone.now()
    report = SweepReport()
    with transaction.atomic():
        _forget_unconfirmed(at)
        report.created = _plan_reminders(at) + _plan_notices(at) + _plan_new_calls(at)
        report.skipped = (
            Notification.objects.superseded()
            .filter(state=Notification.State.PENDING)
            .update(state=Notification.State.SKIPPED, last_error=str(SUPERSEDED))
        )
        report.queued = _mark_queued(at)
        report.digests = _mark_digests_queued(at)
        report.confirmations = _mark_confirmations_queued(at)
        if report.created >= ANALYZE_AFTER:
            transaction.on_commit(_analyze_notifications)
    return report


def _forget_unconfirmed(at: datetime) -> None:
    """Delete subscriptions never confirmed, and addresses left with none."""
    expired = at - timedelta(days=settings.ALERTS_CONFIRM_DAYS)
    Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=expired).delete()
    Subscriber.objects.filter(subscriptions__isnull=True, created_at__lt=expired).delete()


def _analyze_notifications() -> None:
    """Refresh PostgreSQL's statistics of the notifications after a large sweep, before
    its tasks run. With those of a nearly empty table (autovacuum's come later), the
    planner read every row for each task's claim, and for the later check for a more
    recent reminder, instead of using the primary key: several times slower, and growing
    with the table (bench/reminders.py)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Notification._meta.db_table}")


def _followers(call: Call, *, confirmed_by: datetime, kind: str, slot: str) -> list[Subscription]:
    """One confirmed subscription per address following `call` or its programme (the
    call's own when an address has both), for the addresses that have no notification of
    this `kind` and `slot` about the call yet: once everyone has theirs, the query that
    each sweep repeats returns nothing."""
    has_it = Notification.objects.filter(
        subscription__subscriber=OuterRef("subscriber"), call=call, kind=kind, slot=slot
    )
    subscriptions = (
        Subscription.objects.confirmed(before=confirmed_by)
        .following(call)
        .exclude(Exists(has_it))
        .order_by(F("call_id").asc(nulls_first=True))
    )
    chosen = {subscription.subscriber_id: subscription for subscription in subscriptions}
    return list(chosen.values())


# The columns the sweep writes (all but the key), and which of them hold moments.
FIELDS = [field for field in Notification._meta.concrete_fields if not field.primary_key]
DATETIMES = {field.attname for field in FIELDS if isinstance(field, models.DateTimeField)}
INSERT_BATCH = 2000


def _create(rows: list[dict]) -> int:
    """Insert notification `rows` (values by field; the fields' defaults for the others), leaving
    out those that exist already (the unique notification constraint); return how many
    were given. In SQL written here: making 40,000 model instances and having the ORM
    write their INSERT took most of the time of a sweep for 20,000 followers."""
    new_row = {field.attname: field.get_default() for field in FIELDS}
    new_row["created_at"] = timezone.now()
    values = [[_adapt(name, value) for name, value in (new_row | row).items()] for row in rows]
    table = connection.ops.quote_name(Notification._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in FIELDS)
    one = f"({', '.join(['%s'] * len(FIELDS))})"
    with connection.cursor() as cursor:
        for start in range(0, len(values), INSERT_BATCH):
            batch = values[start : start + INSERT_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))} "
                "ON CONFLICT DO NOTHING",
                [value for row in batch for value in row],
            )
    return len(rows)


def _adapt(name: str, value):
    return connection.ops.adapt_datetimefield_value(value) if name in DATETIMES else value


def _plan_reminders(at: datetime) -> int:
    offsets = settings.ALERTS_REMINDER_DAYS
    horizon = at + timedelta(days=max(offsets) + 1)
    deadlines = Deadline.objects.filter(
        due_at__gt=at,
        due_at__lte=horizon,
        call__in=Call.objects.public(at=at).exclude(cancelled_at__lte=at),
    ).select_related("call")
    created = 0
    for deadline in deadlines:
        days_due = due_reminder_days(deadline.due_at, at, offsets)
        if days_due:
            slot = Notification.reminder_slot(deadline.due_at, days_due[0])
            followers = _followers(
                deadline.call, confirmed_by=at, kind=Notification.Kind.REMINDER, slot=slot
            )
            created += _create(_reminder_rows(deadline, days_due, followers))
    return created


def _reminder_rows(deadline: Deadline, days_due: list[int], followers) -> list[dict]:
    """The most recent reminder due, pending; the older ones due too, skipped."""
    skipped = {"state": Notification.State.SKIPPED, "last_error": str(SUPERSEDED)}
    for_days = {
        days: {
            "call_id": deadline.call_id,
            "kind": Notification.Kind.REMINDER,
            "slot": Notification.reminder_slot(deadline.due_at, days),
            "due_at": deadline.due_at,
            "remind_days": days,
            **(skipped if days != days_due[0] else {}),
        }
        for days in days_due
    }
    return [
        {"subscription_id": subscription.pk, **for_days[days]}
        for subscription in followers
        for days in days_due
    ]


def _plan_notices(at: datetime) -> int:
    """A notice to each follower for each deadline change or cancellation of a call
    still to close, made since they confirmed."""
    changes = (
        CallChange.objects.filter(kind__in=NOTICE_KINDS, made_at__lte=at, made_at__gt=at - LOOKBACK)
        .filter(made_at__gte=F("call__published_at"), call__published_at__lte=at)
        .filter(
            Q(old_due_at__gt=F("made_at"))
            | Q(new_due_at__gt=F("made_at"))
            | Q(kind=CallChange.Kind.CANCELLED, call__submission_ends_at__gt=F("made_at"))
        )
        .select_related("call")
    )
    created = 0
    for change in changes:
        kind, slot = NOTICE_KINDS[change.kind], f"change-{change.pk}"
        followers = _followers(change.call, confirmed_by=change.made_at, kind=kind, slot=slot)
        created += _create(
            [
                {
                    "subscription_id": subscription.pk,
                    "call_id": change.call_id,
                    "kind": kind,
                    "slot": slot,
                    "change_id": change.pk,
                }
                for subscription in followers
            ]
        )
    return created


def _plan_new_calls(at: datetime) -> int:
    """A row per new call for each programme followed and each saved search it matches,
    for those who have none yet; the daily digest sends them together. A fixed number of
    queries, one per saved search, however many follow the programmes."""
    new_calls = (
        Call.objects.public(at=at)
        .filter(published_at__gt=at - LOOKBACK)
        .with_status([CallStatus.OPEN, CallStatus.FORTHCOMING], at=at)
    )
    calls = {call.pk: call for call in new_calls.only("pk", "programme_id", "published_at")}
    if not calls:
        return 0
    in_programme = defaultdict(list)
    for call in calls.values():
        in_programme[call.programme_id].append(call)
    followers = Subscription.objects.confirmed(before=at)
    pairs = [
        (subscription, call)
        for subscription in followers.filter(programme__in=in_programme)
        for call in in_programme[subscription.programme_id]
    ]
    for subscription in followers.exclude(search="").filter(search_failed_at__isnull=True):
        matched = _matched_ids(subscription, new_calls, at=at)
        pairs += [(subscription, calls[pk]) for pk in matched]
    have = set(
        Notification.objects.filter(kind=Notification.Kind.NEW_CALL, call__in=calls).values_list(
            "subscription_id", "call_id"
        )
    )
    return _create(
        [
            {
                "subscription_id": subscription.pk,
                "call_id": call.pk,
                "kind": Notification.Kind.NEW_CALL,
            }
            for subscription, call in pairs
            if call.published_at > subscription.confirmed_at
            and (subscription.pk, call.pk) not in have
        ]
    )


def _matched_ids(subscription: Subscription, calls, *, at: datetime) -> list[int]:
    """The ids of the `calls` a saved search matches. If the database fails to run it,
    its savepoint is rolled back, the subscription flagged (and skipped by later sweeps)
    and nothing matched: one bad search must not roll back the sweep for everyone."""
    try:
        with transaction.atomic():
            return list(matching(subscription.search, calls, at=at).values_list("pk", flat=True))
    except DatabaseError as error:
        logger.warning("Saved search %s failed: %s", subscription.pk, error)
        Subscription.objects.filter(pk=subscription.pk).update(
            search_failed_at=at, search_error=str(error)[:2000]
        )
        return []


def matching(search: str, calls, *, at: datetime):
    """The `calls` a saved search of /calls/ ("?fund=AMIF&q=...") lets through."""
    return CallFilter(QueryDict(search.removeprefix("?")), queryset=calls, at=at).qs


def _mark_queued(at: datetime) -> list[int]:
    """Pending reminders and notices to queue now, marked as queued (locked rows, those a
    worker is sending, are left alone)."""
    requeue_after = timedelta(minutes=settings.ALERTS_REQUEUE_MINUTES)
    due = (
        Notification.objects.to_queue(at=at, requeue_after=requeue_after)
        .exclude(kind=Notification.Kind.NEW_CALL)
        .select_for_update(skip_locked=True)
        .order_by("pk")
    )
    ids = list(due.values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        Notification.objects.filter(pk__in=ids[start : start + 5000]).update(queued_at=at)
    return ids


def _mark_digests_queued(at: datetime) -> list[int]:
    """Addresses with new calls to hear about and no digest yet this Brussels day, once
    the day's digest hour has come."""
    local = timezone.localtime(at)
    if local.hour < settings.ALERTS_DIGEST_HOUR:
        return []
    requeue_after = timedelta(minutes=settings.ALERTS_REQUEUE_MINUTES)
    waiting = Notification.objects.filter(
        subscription__subscriber=OuterRef("pk"),
        kind=Notification.Kind.NEW_CALL,
        state=Notification.State.PENDING,
    )
    due = (
        Subscriber.objects.filter(Exists(waiting))
        .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=local.date()))
        .filter(Q(digest_queued_at__isnull=True) | Q(digest_queued_at__lte=at - requeue_after))
        .select_for_update(skip_locked=True)
    )
    ids = list(due.values_list("pk", flat=True))
    Subscriber.objects.filter(pk__in=ids).update(digest_queued_at=at)
    return ids


def _mark_confirmations_queued(at: datetime) -> list[int]:
    """Unconfirmed subscriptions whose confirmation was never sent: never queued (the
    broker was down) or queued ALERTS_REQUEUE_MINUTES ago and still not sent (the task
    was lost). Marked as queued now; the caller queues them."""
    requeue_after = timedelta(minutes=settings.ALERTS_REQUEUE_MINUTES)
    lost = (
        Subscription.objects.filter(confirmed_at__isnull=True, confirmation_sent_at__isnull=True)
        .filter(
            Q(confirmation_queued_at__isnull=True)
            | Q(confirmation_queued_at__lte=at - requeue_after)
        )
        .select_for_update(skip_locked=True)
    )
    ids = list(lost.values_list("pk", flat=True))
    Subscription.objects.filter(pk__in=ids).update(confirmation_queued_at=at)
    return ids
