"""How many public calls each programme has per status, without reading the archive.

Nearly every call is closed, and the closed calls grow with the years; the live
(forthcoming and open), scheduled and cancelled calls stay few. So these are counted
from indexes (`call_schedule`, `call_published_at`, `call_cancelled_at`), and the closed
ones are what remains of the programme's tally of published calls, which database
triggers keep (`ProgrammeCallTally`). The four statuses split the public calls, so the
remainder is exact.
"""

from datetime import datetime

from django.db.models import Count, Q

from calls.models import Call, CallStatus, closing_within_condition, status_condition
from programmes.models import Programme

LIVE_STATUSES = (CallStatus.FORTHCOMING.value, CallStatus.OPEN.value, CallStatus.CANCELLED.value)
CLOSING_SOON = ("closing_within_7", "closing_within_30")


def status_counts_by_programme(*, at: datetime) -> list[dict]:
    """One row per programme: its `programme` id, its `fund` code, the number of its
    public calls with each status at `at`, `closing_within_7` and `closing_within_30`,
    and `public` (all of them). Two queries, neither of which reads closed calls."""
    public = Q(published_at__lte=at)
    counts = {
        status: Count("pk", filter=public & status_condition(status, at))
        for status in LIVE_STATUSES
    }
    for days in (7, 30):
        counts[f"closing_within_{days}"] = Count(
            "pk", filter=public & closing_within_condition(days, at)
        )
    by_programme: dict[int, dict] = {}
    for row in _live_counts(at, counts):
        programme = row.pop("programme")
        if programme in by_programme:
            row = {key: value + by_programme[programme][key] for key, value in row.items()}
        by_programme[programme] = row
    programmes = Programme.objects.values_list("pk", "fund__code", "call_tally__published")
    return [
        _row(pk, fund, published or 0, by_programme.get(pk)) for pk, fund, published in programmes
    ]


def _live_counts(at: datetime, counts: dict):
    """The counts of the few calls that are not closed, per programme, from three
    disjoint ranges of indexes, each of which leaves the closed calls out: calls whose
    submission is ahead (`call_schedule`), calls scheduled for publication with none
    ahead (`call_published_at`), and cancelled calls (`call_cancelled_at`). One query;
    a programme has a row per range. Written as one condition with OR, the database
    reads every call instead."""
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
