"""Sending the e-mails owed: each notification at most once, even with several workers.

A delivery task claims its whole batch in one statement: an UPDATE that gives the rows
still pending and held by no other task a claim of its own (a random token and a lease,
ALERTS_CLAIM_SECONDS from now), and returns them. It then sends them one by one and
records each outcome as soon as the SMTP server has answered, in one UPDATE that also
ends the claim (autocommit: no transaction to open or commit). Another task for the same
rows (a sweep run twice, a task delivered again, a second worker) finds them claimed or
no longer pending and leaves them alone.

A worker killed in the middle of a batch:
- a row it had marked (sent, skipped or failed) is never sent again: only pending rows
  can be claimed;
- a row it had claimed and not marked stays pending, its claim lapses, and the next sweep
  queues it again for another task: nothing claimed is lost;
- what can go out twice is the one e-mail per pool process that the SMTP server had
  accepted when the process died, before the UPDATE marking it reached the database:
  the window a transaction per e-mail had too (after "250", before COMMIT), no wider.
  A repeat carries the same Message-ID (alerts/emails.py).

A task starts no e-mail once half its lease has gone: the rest of the batch is released
and retried, so that a lease cannot lapse while its e-mail is still being sent (another
task could then claim it and send it too). Sends are bounded by the SMTP timeout.
"""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import emails, mailer
from alerts.claims import Claim
from alerts.mailer import SEND_ERRORS, describe, is_transient
from alerts.models import Notification, Subscriber, Subscription


class TransientFailure(Exception):
    """The SMTP server or the network failed in a way worth trying again later."""


def notifications_deliver(ids: list[int], *, at: datetime | None = None) -> dict[int, str]:
    """Send the pending notifications `ids` that still apply; return the new state of
    each row this call dealt with.

    The rows no other task holds are claimed at once (see above), then read with what
    their e-mails need (for reminders of one call, the call and its deadlines once). A
    transient failure, or a lease running short, leaves a row pending (its state in the
    result), for the caller to retry later.
    """
    at = at or timezone.now()
    claim = Claim.of(ids)
    states = {}
    try:
        rows = _with_what_emails_need(Notification.objects.filter(pk__in=claim.ids))
        superseded = set(
            Notification.objects.superseded().filter(pk__in=claim.ids).values_list("pk", flat=True)
        )
        for row in rows:
            if claim.running_short():
                break
            reason = row.skip_reason(at, superseded=row.pk in superseded)
            if reason:
                claim.finish(row, Notification.State.SKIPPED, error=reason)
            else:
                _send_claimed(claim, row, at)
            states[row.pk] = row.state
    finally:
        released = claim.release()
    return states | dict.fromkeys(released, Notification.State.PENDING)


def notification_deliver(notification_id: int, *, at: datetime | None = None) -> str | None:
    """`notifications_deliver` for one row: its new state, None if it was not this
    worker's to send; raises TransientFailure if it is to be retried."""
    state = notifications_deliver([notification_id], at=at).get(notification_id)
    if state == Notification.State.PENDING:
        raise TransientFailure(Notification.objects.get(pk=notification_id).last_error)
    return state


def digest_deliver(subscriber_id: int, *, at: datetime | None = None) -> str | None:
    """Send an address its daily digest of new calls: one e-mail a Brussels day at most."""
    at = at or timezone.now()
    today = timezone.localdate(at)
    with transaction.atomic():
        subscriber = (
            Subscriber.objects.select_for_update(skip_locked=True).filter(pk=subscriber_id).first()
        )
        if subscriber is None or subscriber.last_digest_on == today:
            return None
        rows = _claim_all(
            Notification.objects.filter(
                subscription__subscriber=subscriber, kind=Notification.Kind.NEW_CALL
            )
        )
        for notification in rows:
            notification.subscription.subscriber = subscriber
        wanted = [n for n in rows if not n.skip_reason(at)]
        gone = _("The call was closed, cancelled or withdrawn before the digest.")
        _finish([n for n in rows if n not in wanted], Notification.State.SKIPPED, error=gone)
        if not wanted:
            return None
        error = _send(wanted, lambda first: emails.digest(subscriber, wanted), at)
        if wanted[0].state == Notification.State.SENT:
            subscriber.last_digest_on = today
            subscriber.save(update_fields=["last_digest_on"])
    if error:
        raise TransientFailure(error)
    return wanted[0].state


def confirmation_deliver(subscription_id: int) -> None:
    """E-mail the confirmation link of a subscription not confirmed yet, and record when."""
    subscription = (
        Subscription.objects.select_related("subscriber", "call", "programme")
        .filter(pk=subscription_id, confirmed_at__isnull=True)
        .first()
    )
    if subscription is None:
        return
    try:
        emails.confirmation(subscription).send()
    except SEND_ERRORS as error:
        if is_transient(error):
            raise TransientFailure(str(error)) from error
        raise
    # Marked sent only once it was: a confirmation queued but never sent is queued again.
    Subscription.objects.filter(pk=subscription.pk).update(confirmation_sent_at=timezone.now())


def _claim_all(notifications) -> list[Notification]:
    """Lock pending rows that no other worker holds (PostgreSQL; SQLite has one writer)."""
    pending = notifications.filter(state=Notification.State.PENDING)
    return _with_what_emails_need(pending.select_for_update(skip_locked=True, of=("self",)))


def _with_what_emails_need(notifications) -> list[Notification]:
    return list(
        notifications.select_related("subscription__subscriber", "call__programme__fund", "change")
        .prefetch_related("call__deadlines")
        .order_by("pk")
    )


def _send_claimed(claim: Claim, row: Notification, at: datetime) -> None:
    """Send `row`'s e-mail and record the outcome (the row stays pending if the failure is
    transient and attempts remain)."""
    try:
        mailer.send(emails.for_notification(row))
    except SEND_ERRORS as error:
        retry = is_transient(error) and row.attempts + 1 < settings.ALERTS_MAX_ATTEMPTS
        state = Notification.State.PENDING if retry else Notification.State.FAILED
        claim.finish(row, state, error=describe(error), attempted=True)
    else:
        claim.finish(row, Notification.State.SENT, sent_at=at, attempted=True)


def _send(rows: list[Notification], build, at: datetime) -> str:
    """Send the message `build(rows[0])` and record the outcome on every row.

    Returns the error text when the failure is transient and attempts remain.
    """
    for row in rows:
        row.attempts += 1
    try:
        mailer.send(build(rows[0]))
    except SEND_ERRORS as error:
        retry = is_transient(error) and rows[0].attempts < settings.ALERTS_MAX_ATTEMPTS
        state = Notification.State.PENDING if retry else Notification.State.FAILED
        _finish(rows, state, error=describe(error), attempted=True)
        return describe(error) if retry else ""
    _finish(rows, Notification.State.SENT, sent_at=at, attempted=True)
    return ""


def _finish(
    rows: list[Notification], state: str, *, error: str = "", sent_at=None, attempted=False
) -> None:
    """Record one outcome on `rows`, locked by this transaction: one UPDATE."""
    for row in rows:
        row.state, row.last_error, row.sent_at = state, error, sent_at
    attempts = {"attempts": F("attempts") + 1} if attempted else {}
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        state=state, last_error=error, sent_at=sent_at, **attempts
    )
