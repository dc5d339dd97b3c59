"""How many public calls each programme has per status, without reading the archive.

Nearly every call is closed, and the closed calls grow with the years; the live
(forthcoming and open), scheduled and cancelled calls stay few. So these are counted
from indexes (`call_schedule`, `call_published_at`, `call_cancelled_at`), and the closed
ones are what remains of the programme's tally of published calls, which database
triggers keep (`ProgrammeCallTally`). The four statuses split the public calls, so the
remainder is exact.
"""

from datetime import UTC, datetime, timedelta
from functools import cache

from django.db import connection, connections
from django.db.models import Count, Q

from calls.models import Call, CallStatus, closing_within_condition, status_condition
from programmes.models import Programme

LIVE_STATUSES = (CallStatus.FORTHCOMING.value, CallStatus.OPEN.value, CallStatus.CANCELLED.value)
CLOSING_SOON = ("closing_within_7", "closing_within_30")


def status_counts_by_programme(*, at: datetime) -> list[dict]:
    """One row per programme: its `programme` id, its `fund` code, the number of its
    public calls with each status at `at`, `closing_within_7` and `closing_within_30`,
    and `public` (all of them). Two queries, neither of which reads closed calls."""
    by_programme: dict[int, dict] = {}
    for row in _live_counts(at):
        programme = row.pop("programme")
        if programme in by_programme:
            row = {key: value + by_programme[programme][key] for key, value in row.items()}
        by_programme[programme] = row
    programmes = Programme.objects.values_list("pk", "fund__code", "call_tally__published")
    return [
        _row(pk, fund, published or 0, by_programme.get(pk)) for pk, fund, published in programmes
    ]


# The moment the counting query is built at, once per process and database; it runs at
# any other moment with its moments shifted (_live_counts).
BUILT_AT = datetime(2000, 1, 1, tzinfo=UTC)
# The moments of the query, after the moment counted at: closing within 7 and 30 days.
MOMENTS = (timedelta(0), timedelta(days=7), timedelta(days=30))


def _live_counts(at: datetime) -> list[dict]:
    """The counts of the few calls that are not closed, per programme; a programme has a
    row per range of `_live_counts_query`.

    Building that query costs the ORM more than the database takes to answer it (five
    counts with conditions, three times), and only its moments change: it is built and
    compiled once, and its parameters that are the moments it was built at are replaced
    by the same moments after `at`."""
    sql, params = _compiled(connection.alias)
    prepared = connection.ops.adapt_datetimefield_value
    shifted = {prepared(BUILT_AT + after): prepared(at + after) for after in MOMENTS}
    with connection.cursor() as cursor:
        cursor.execute(sql, [shifted.get(param, param) for param in params])
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


@cache
def _compiled(alias: str) -> tuple[str, tuple]:
    """The SQL and parameters of `_live_counts_query` at BUILT_AT. Built a day later too:
    a parameter that then differs and is not one of MOMENTS would not be shifted."""
    sql, params = _live_counts_query(BUILT_AT).query.get_compiler(using=alias).as_sql()
    _, later = (
        _live_counts_query(BUILT_AT + timedelta(days=1)).query.get_compiler(using=alias).as_sql()
    )
    prepared = connections[alias].ops.adapt_datetimefield_value
    moments = {prepared(BUILT_AT + after) for after in MOMENTS}
    unshifted = [one for one, other in zip(params, later, strict=True) if one != other]
    if not set(unshifted) <= moments:
        raise ValueError(f"A moment of the counting query is not in MOMENTS: {unshifted}")
    return sql, params


def _live_counts_query(at: datetime):
    """The counts of the calls that are not closed, per programme, from three disjoint
    ranges of indexes, each of which leaves the closed calls out: calls whose submission
    is ahead (`call_schedule`), calls scheduled for publication with none ahead
    (`call_published_at`), and cancelled calls (`call_cancelled_at`). Written as one
    condition with OR, the database reads every call instead."""
    public = Q(published_at__lte=at)
    counts = {
        status: Count("pk", filter=public & status_condition(status, at))
        for status in LIVE_STATUSES
    }
    for days in (7, 30):
        counts[f"closing_within_{days}"] = Count(
            "pk", filter=public & closing_within_condition(days, at)
        )
    ended = Q(submission_ends_at__lte=at) | Q(submission_ends_at__isnull=True)
    ranges = (
        Q(submission_ends_at__gt=at),
        ended & Q(published_at__gt=at),
        ended & Q(published_at__lte=at, cancelled_at__lte=at),
    )
    first, *others = (
        Call.objects.filter(condition)
        .order_by()
        .values("programme")
        .annotate(scheduled=Count("pk", filter=Q(published_at__gt=at)), **counts)
        for condition in ranges
    )
    return first.union(*others, all=True).order_by()


def _row(programme: int, fund: str, published: int, live: dict | None) -> dict:
    live = live or dict.fromkeys(["scheduled", *LIVE_STATUSES, *CLOSING_SOON], 0)
    public = published - live.pop("scheduled")
    closed = public - sum(live[status] for status in LIVE_STATUSES)
    return {"programme": programme, "fund": fund, "public": public, "closed": closed, **live}
