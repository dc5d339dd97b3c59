"""Sending reminders and notices: each at most once, even with several workers.

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

from django.utils import timezone

from alerts import emails, mailer
from alerts.claims import Claim
from alerts.mailer import SEND_ERRORS, TransientFailure, describe, is_transient
from alerts.models import Notification


def notifications_deliver(ids: list[int], *, at: datetime | None = None) -> dict[int, str]:
    """Send the pending notifications `ids` that still apply; return the new state of
    each row this call dealt with.

    The rows no other task holds are claimed at once (see above), then read with what
    their e-mails need (for reminders of one call, the call and its deadlines once). A
    transient failure, or a lease running short, leaves a row pending (its state in the
    result), for the caller to retry later. Four queries, and one UPDATE per e-mail.
    """
    at = at or timezone.now()
    claim = Claim.of(ids)
    states = {}
    try:
        rows = list(Notification.objects.filter(pk__in=claim.ids).for_sending())
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


def _send_claimed(claim: Claim, row: Notification, at: datetime) -> None:
    """Send `row`'s e-mail and record the outcome (the row stays pending if the failure is
    transient and attempts remain)."""
    try:
        mailer.send(emails.for_notification(row))
    except SEND_ERRORS as error:
        state = row.state_after_failure(transient=is_transient(error))
        claim.finish(row, state, error=describe(error), attempted=True)
    else:
        claim.finish(row, Notification.State.SENT, sent_at=at, attempted=True)
