"""The counts of public calls per programme and status that read no closed call
(calls/counts.py), the tally of published calls the database keeps for them, and the
related calls of a call page. They run on SQLite and on PostgreSQL alike."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict

from calls.counts import status_counts_by_programme
from calls.filters import CallFilter
from calls.models import Call, ProgrammeCallTally
from calls.triggers import TALLY_TABLE
from foundation.brussels import deadline_on, opening_on
from tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

AT = datetime(2025, 3, 1, 12, tzinfo=UTC)


def published(programme) -> int:
    tally = ProgrammeCallTally.objects.filter(programme=programme).first()
    return tally.published if tally else 0


def test_the_tally_follows_publication_moves_and_deletions():
    first, second = ProgrammeFactory(), ProgrammeFactory()
    call = CallFactory(programme=first)
    draft = CallFactory(programme=first, published_at=None)
    scheduled = CallFactory(programme=first, published_at=AT + timedelta(days=400 * 30))
    assert (published(first), published(second)) == (2, 0)  # the draft is not counted

    Call.objects.filter(pk=draft.pk).update(published_at=AT)
    Call.objects.filter(pk=scheduled.pk).update(published_at=AT - timedelta(days=1))
    assert published(first) == 3  # a new moment for a published call changes nothing

    Call.objects.filter(pk=call.pk).update(programme=second)
    assert (published(first), published(second)) == (2, 1)

    Call.objects.filter(pk=draft.pk).update(published_at=None)  # unpublished
    Call.objects.filter(pk=scheduled.pk).delete()
    call.delete()
    assert (published(first), published(second)) == (0, 0)
    assert Call.objects.filter(published_at__isnull=False).count() == 0


def test_a_call_counted_out_of_a_programme_without_a_tally_is_counted_out_of_nothing():
    """A test database is emptied table by table (the tally's before the calls'): a call
    deleted after its programme's tally was makes no row of -1 (CHECK published >= 0)."""
    call = CallFactory()
    ProgrammeCallTally.objects.all().delete()
    call.delete()
    assert not ProgrammeCallTally.objects.exists()


def test_the_tally_is_kept_by_triggers_of_the_database():
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'calls_programme_tally%%'"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [] if connection.vendor == "postgresql" else [f"%{TALLY_TABLE}%"])
        assert cursor.fetchall()


def _calls_of_every_status(programme) -> None:
    """Calls of `programme` that are, at AT: closed (3), open (2, one closing within 7
    days), forthcoming (1), cancelled (1), scheduled (1) and a draft (1)."""
    for day in (1, 2, 3):
        CallFactory(
            programme=programme,
            opens_at=opening_on(date(2020, 1, day)),
            deadlines=[deadline_on(date(2020, 6, day))],
        )
    CallFactory(
        programme=programme,
        opens_at=opening_on(date(2025, 1, 1)),
        deadlines=[deadline_on(date(2025, 3, 5))],
    )
    CallFactory(
        programme=programme,
        opens_at=opening_on(date(2025, 1, 1)),
        deadlines=[deadline_on(date(2025, 9, 1))],
    )
    CallFactory(
        programme=programme,
        opens_at=opening_on(date(2025, 6, 1)),
        deadlines=[deadline_on(date(2025, 9, 1))],
    )
    cancelled = CallFactory(
        programme=programme,
        opens_at=opening_on(date(2025, 1, 1)),
        deadlines=[deadline_on(date(2025, 9, 1))],
    )
    Call.objects.filter(pk=cancelled.pk).update(cancelled_at=AT - timedelta(days=1))
    CallFactory(programme=programme, published_at=AT + timedelta(days=1))
    CallFactory(programme=programme, published_at=None)


def test_counts_per_programme_match_a_count_of_every_public_call():
    programmes = [ProgrammeFactory(), ProgrammeFactory(), ProgrammeFactory()]
    _calls_of_every_status(programmes[0])
    _calls_of_every_status(programmes[1])
    CallFactory(
        programme=programmes[1],
        opens_at=opening_on(date(2021, 1, 1)),
        deadlines=[deadline_on(date(2021, 6, 1))],
    )
    counted = Call.objects.public(at=AT).status_counts(at=AT, by="programme")
    expected = {row.pop("programme"): row for row in counted}
    rows = {row["programme"]: row for row in status_counts_by_programme(at=AT)}
    assert {pk: rows[pk]["closed"] for pk in expected} == {
        programmes[0].pk: 3,
        programmes[1].pk: 4,
    }
    for pk, counts in expected.items():
        assert {key: rows[pk][key] for key in counts} == counts
        statuses = ("open", "forthcoming", "closed", "cancelled")
        assert rows[pk]["public"] == sum(counts[status] for status in statuses)
    assert rows[programmes[2].pk]["public"] == 0  # a programme without calls has a row


def test_counts_per_programme_take_each_range_of_the_calls_not_closed_once():
    """A call cancelled after its end, one cancelled before an end now past, a scheduled
    call whose deadlines are past and one without deadlines: each in one range of
    calls/counts.py, none counted twice, the same counts as a scan."""
    programme = ProgrammeFactory()
    _calls_of_every_status(programme)
    ended = {"opens_at": opening_on(date(2020, 1, 1)), "deadlines": [deadline_on(date(2020, 6, 1))]}
    for cancelled_at in (datetime(2020, 5, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC)):
        call = CallFactory(programme=programme, **ended)
        Call.objects.filter(pk=call.pk).update(cancelled_at=cancelled_at)
    CallFactory(programme=programme, published_at=AT + timedelta(days=2), **ended)
    CallFactory(programme=programme, published_at=AT + timedelta(days=3), deadlines=[])
    (expected,) = Call.objects.public(at=AT).status_counts(at=AT, by="programme")
    (row,) = [row for row in status_counts_by_programme(at=AT) if row["programme"] == programme.pk]
    assert {key: row[key] for key in expected} == expected
    assert (row["cancelled"], row["closed"]) == (3, 3)


@pytest.mark.parametrize(
    "query",
    ["", "status=closed", "fund=TESTF", "status=open&status=closed&fund=NOPE", "programme={slug}"],
)
def test_the_facets_from_the_tally_are_those_of_a_scan_of_the_calls(query):
    programme = ProgrammeFactory()
    _calls_of_every_status(programme)
    _calls_of_every_status(ProgrammeFactory())
    data = QueryDict(query.format(slug=programme.slug))
    from_tally = CallFilter(data, at=AT).facets()
    scanned = CallFilter(data, queryset=Call.objects.public(at=AT), at=AT).facets()
    assert from_tally == scanned
    assert from_tally["status"]["closed"] > 0


def test_related_calls_are_the_calls_topics_then_the_programmes_newest():
    programme = ProgrammeFactory()
    parent = "TESTF-2025-AG"
    call = CallFactory(programme=programme, identifier=f"{parent}-A", parent_identifier=parent)
    sibling = CallFactory(
        programme=programme,
        identifier=f"{parent}-B",
        parent_identifier=parent,
        opens_at=opening_on(date(2020, 1, 1)),
        deadlines=[deadline_on(date(2020, 6, 1))],
    )
    newest = [
        CallFactory(programme=programme, opens_at=opening_on(date(2025, 1, day)))
        for day in (10, 9, 8, 7, 6)
    ]
    CallFactory(programme=programme, published_at=None)  # a draft, newest of all
    CallFactory(opens_at=opening_on(date(2025, 1, 20)))  # another programme's
    related = [c.identifier for c in call.related_calls(5)]
    assert related == [sibling.identifier, *(c.identifier for c in newest[:4])]
    first_two = [call.identifier, newest[0].identifier]
    assert [c.identifier for c in sibling.related_calls(2)] == first_two
    # A call without a parent: the programme's newest (`call` opens on 15 January).
    assert [c.identifier for c in newest[0].related_calls(3)] == [
        call.identifier,
        *(c.identifier for c in newest[1:3]),
    ]


def test_the_counting_query_refuses_a_moment_it_would_not_shift(monkeypatch):
    """The counting query is built once and its moments shifted to the moment asked: a
    moment of the query that the shift does not know would stay where it was built."""
    from calls import counts

    counts._compiled.cache_clear()
    monkeypatch.setattr(counts, "MOMENTS", (timedelta(0), timedelta(days=7)))
    with pytest.raises(ValueError, match="not in MOMENTS"):
        status_counts_by_programme(at=AT)
    counts._compiled.cache_clear()


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=closed",
        "status=open&status=cancelled&status=closed&status=forthcoming",
        "fund=TESTF",
        "programme={slug}&status=closed",
        "q=synthetic",
        "q=synthetic&status=closed&closes_after=2020-06-02",
        "q=TESTF-2020",  # an identifier code: counted by a query of its own
    ],
)
def test_the_number_of_results_is_the_number_of_calls_listed(client, query):
    """The list takes its number of results from the counts of its filters, per status
    (no query of its own): the same number as counting the calls it lists."""
    programme = ProgrammeFactory()
    _calls_of_every_status(programme)
    _calls_of_every_status(ProgrammeFactory())
    data = QueryDict(query.format(slug=programme.slug))
    with time_machine.travel(AT, tick=False):
        response = client.get(f"/calls/?{data.urlencode()}")
        listed = CallFilter(data).qs.count()
    assert response.context["page"].paginator.count == listed
    assert listed > 0 or query.startswith("q=TESTF")
