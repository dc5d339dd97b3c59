"""A delivery task's claim on its batch of notifications (why: alerts/delivery.py).

A claim is a random token and a lease written on the rows in one UPDATE. Each row's
outcome ends its claim in one UPDATE of its own; what the task did not get to is
released at the end. The statements are written once per database, in SQL: the ORM
built the same two queries again for every e-mail, and their transaction cost two more
round trips.
"""

import time
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from alerts.models import Notification

PENDING = Notification.State.PENDING


class Claim:
    """The rows of `ids` this task claimed (`ids`), in order, and what is left of them."""

    def __init__(self, token: str, ids: list[int], seconds: int):
        self.token, self.ids, self.left = token, sorted(ids), set(ids)
        # Past this, no e-mail is started: half the lease is left for the last one.
        self.stop_at = time.monotonic() + seconds / 2

    @classmethod
    def of(cls, ids: list[int]) -> "Claim":
        """Claim the rows of `ids` that are pending and held by no live claim."""
        token, seconds, now = uuid.uuid4().hex, settings.ALERTS_CLAIM_SECONDS, timezone.now()
        claimed = []
        if ids:
            until = now + timedelta(seconds=seconds)
            claimed = [pk for (pk,) in _run(*_claim_sql(ids, token, until, now), fetch=True)]
        return cls(token, claimed, seconds)

    def running_short(self) -> bool:
        return time.monotonic() > self.stop_at

    def finish(
        self,
        row: Notification,
        state: str,
        *,
        error: str = "",
        sent_at: datetime | None = None,
        attempted: bool = False,
    ) -> None:
        """Record `row`'s outcome and end its claim: one UPDATE, committed at once."""
        row.state, row.last_error, row.sent_at = state, error, sent_at
        row.attempts += attempted
        params = [state, error, _adapt(sent_at), int(attempted), row.pk, self.token]
        _run(_statements()["finish"], params)
        self.left.discard(row.pk)

    def release(self) -> list[int]:
        """End the claim on the rows not finished, still pending; return their ids."""
        left, self.left = sorted(self.left), set()
        if left:
            sql, params = _in_ids(_statements()["release"], left, [], [self.token])
            _run(sql, params)
        return left


def _claim_sql(ids: list[int], token: str, until: datetime, now: datetime) -> tuple[str, list]:
    return _in_ids(_statements()["claim"], ids, [token, _adapt(until)], [PENDING, _adapt(now)])


def _in_ids(sql: str, ids: list[int], before: list, after: tuple | list = ()) -> tuple[str, list]:
    """`sql` with its {ids} filled in: one array on PostgreSQL, a list of values elsewhere."""
    if connection.vendor == "postgresql":
        return sql.format(ids="= ANY(%s)"), [*before, list(ids), *after]
    return sql.format(ids=f"IN ({', '.join(['%s'] * len(ids))})"), [*before, *ids, *after]


def _adapt(value: datetime | None):
    return connection.ops.adapt_datetimefield_value(value)


def _run(sql: str, params: list, *, fetch: bool = False) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else []


_written: dict[str, dict[str, str]] = {}


def _statements() -> dict[str, str]:
    """The three statements, for this connection's database."""
    if connection.vendor not in _written:
        _written[connection.vendor] = _write_statements()
    return _written[connection.vendor]


def _write_statements() -> dict[str, str]:
    table = connection.ops.quote_name(Notification._meta.db_table)
    claimable = "{ids} AND state = %s AND (claimed_until IS NULL OR claimed_until <= %s)"
    if connection.vendor == "postgresql":
        # Rows another task is claiming this instant are skipped, not waited for.
        claimable = f"IN (SELECT id FROM {table} WHERE id {claimable} FOR UPDATE SKIP LOCKED)"
    return {
        "claim": f"UPDATE {table} SET claimed_by = %s, claimed_until = %s "
        f"WHERE id {claimable} RETURNING id",
        "finish": f"UPDATE {table} SET state = %s, last_error = %s, sent_at = %s, "
        "attempts = attempts + %s, claimed_by = '', claimed_until = NULL "
        "WHERE id = %s AND claimed_by = %s",
        "release": f"UPDATE {table} SET claimed_by = '', claimed_until = NULL "
        "WHERE id {ids} AND claimed_by = %s",
    }
