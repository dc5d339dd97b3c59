"""The daily digest of new calls: one e-mail a Brussels day at most to each address,
naming every new call waiting for it.

The digest's rows are many notifications sent as one message, so they are claimed
together in the transaction that sends them: the address and its pending rows are
locked (SKIP LOCKED: a second task for the same address finds it taken and leaves it),
and one UPDATE records the outcome on every row before the commit.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import emails, mailer
from alerts.mailer import SEND_ERRORS, TransientFailure, describe, is_transient
from alerts.models import Notification, Subscriber


def digest_deliver(subscriber_id: int, *, at: datetime | None = None) -> str | None:
    """Send an address its daily digest of new calls: one e-mail a Brussels day at most.

    Returns the rows' new state, None when there was nothing to send; raises
    TransientFailure if the digest is to be tried again.
    """
    at = at or timezone.now()
    today = timezone.localdate(at)
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update(skip_locked=True).filter(pk=subscriber_id).first()
        )
        if subscriber is None or subscriber.last_digest_on == today:
            return None
        rows = _lock_new_calls(subscriber)
        wanted = [n for n in rows if not n.skip_reason(at)]
        gone = _("The call was closed, cancelled or withdrawn before the digest.")
        _finish([n for n in rows if n not in wanted], Notification.State.SKIPPED, error=gone)
        if not wanted:
            return None
        error = _send(subscriber, wanted, at)
        if wanted[0].state == Notification.State.SENT:
            subscriber.last_digest_on = today
            subscriber.save(update_fields=["last_digest_on"])
    if error:
        raise TransientFailure(error)
    return wanted[0].state


def _lock_new_calls(subscriber: Subscriber) -> list[Notification]:
    """The address's pending new-call rows that no other worker holds, locked
    (PostgreSQL; SQLite has one writer), with what the e-mail needs."""
    pending = Notification.objects.filter(
        subscription__subscriber=subscriber,
        kind=Notification.Kind.NEW_CALL,
        state=Notification.State.PENDING,
    )
    rows = list(pending.select_for_update(skip_locked=True, of=("self",)).for_sending())
    for row in rows:
        row.subscription.subscriber = subscriber  # the locked row, not a second copy
    return rows


def _send(subscriber: Subscriber, rows: list[Notification], at: datetime) -> str:
    """Send the digest of `rows` and record the outcome on every row.

    Returns the error text when the failure is transient and attempts remain.
    """
    try:
        mailer.send(emails.digest(subscriber, rows))
    except SEND_ERRORS as error:
        state = rows[0].state_after_failure(transient=is_transient(error))
        _finish(rows, state, error=describe(error), attempted=True)
        return describe(error) if state == Notification.State.PENDING else ""
    _finish(rows, Notification.State.SENT, sent_at=at, attempted=True)
    return ""


def _finish(
    rows: list[Notification],
    state: str,
    *,
    error: str = "",
    sent_at: datetime | None = None,
    attempted: bool = False,
) -> None:
    """Record one outcome on `rows`, locked by this transaction: one UPDATE."""
    for row in rows:
        row.state, row.last_error, row.sent_at = state, error, sent_at
        row.attempts += attempted
    attempts = {"attempts": F("attempts") + 1} if attempted else {}
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        state=state, last_error=error, sent_at=sent_at, **attempts
    )
