"""A call's status at a moment: one table of cases for the Python and the SQL form of the rule.

Deadlines given as dates close at 17:00 Brussels time, which is 15:00 UTC in summer
(CEST) and 16:00 UTC in winter (CET). A deadline is the moment submission closes.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from calls.models import Call, CallStatus
from foundation.brussels import BRUSSELS, deadline_on, opening_on
from tests.factories import CallFactory

FORTHCOMING, OPEN, CLOSED = CallStatus.FORTHCOMING, CallStatus.OPEN, CallStatus.CLOSED

OPENS = opening_on(date(2024, 5, 21))  # 2024-05-20 22:00 UTC
SUMMER_DEADLINE = deadline_on(date(2024, 8, 21))  # 15:00 UTC


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# (case, opening, deadlines, moment, expected status)
CASES = [
    (
        "a second before opening",
        OPENS,
        [SUMMER_DEADLINE],
        utc(2024, 5, 20, 21, 59, 59),
        FORTHCOMING,
    ),
    ("at opening", OPENS, [SUMMER_DEADLINE], utc(2024, 5, 20, 22), OPEN),
    ("a second before the deadline", OPENS, [SUMMER_DEADLINE], utc(2024, 8, 21, 14, 59, 59), OPEN),
    ("17:00 Brussels on the deadline day", OPENS, [SUMMER_DEADLINE], utc(2024, 8, 21, 15), CLOSED),
    ("a second after the deadline", OPENS, [SUMMER_DEADLINE], utc(2024, 8, 21, 15, 0, 1), CLOSED),
    # Summer time starts on 31 March 2024: 17:00 Brussels is 15:00 UTC that day.
    (
        "deadline on the CET to CEST switch, just before",
        OPENS.replace(year=2024, month=1),
        [deadline_on(date(2024, 3, 31))],
        utc(2024, 3, 31, 14, 59, 59),
        OPEN,
    ),
    (
        "deadline on the CET to CEST switch, at 17:00",
        OPENS.replace(year=2024, month=1),
        [deadline_on(date(2024, 3, 31))],
        utc(2024, 3, 31, 15),
        CLOSED,
    ),
    # Winter time starts on 27 October 2024: 17:00 Brussels is 16:00 UTC that day.
    (
        "deadline on the CEST to CET switch, an hour before 17:00",
        OPENS,
        [deadline_on(date(2024, 10, 27))],
        utc(2024, 10, 27, 15, 30),
        OPEN,
    ),
    (
        "deadline on the CEST to CET switch, at 17:00",
        OPENS,
        [deadline_on(date(2024, 10, 27))],
        utc(2024, 10, 27, 16),
        CLOSED,
    ),
    (
        "29 February, a second before 17:00",
        opening_on(date(2024, 1, 10)),
        [deadline_on(date(2024, 2, 29))],
        utc(2024, 2, 29, 15, 59, 59),
        OPEN,
    ),
    (
        "29 February, at 17:00",
        opening_on(date(2024, 1, 10)),
        [deadline_on(date(2024, 2, 29))],
        utc(2024, 2, 29, 16),
        CLOSED,
    ),
    (
        "two-stage call between its deadlines",
        OPENS,
        [SUMMER_DEADLINE, deadline_on(date(2024, 11, 5))],
        utc(2024, 9, 1),
        OPEN,
    ),
    (
        "two-stage call after its second deadline",
        OPENS,
        [SUMMER_DEADLINE, deadline_on(date(2024, 11, 5))],
        utc(2024, 11, 5, 16),
        CLOSED,
    ),
    ("opened call without any deadline", OPENS, [], utc(2024, 6, 1), CLOSED),
]
IDS = [case[0] for case in CASES]


@pytest.fixture
def call_for(db):
    def make(opens_at, deadlines) -> Call:
        return CallFactory(opens_at=opens_at, deadlines=deadlines)

    return make


@pytest.mark.parametrize(("case", "opens_at", "deadlines", "at", "expected"), CASES, ids=IDS)
def test_status_at_in_python(call_for, case, opens_at, deadlines, at, expected):
    call = call_for(opens_at, deadlines)
    assert call.status_at(at) == expected


@pytest.mark.parametrize(("case", "opens_at", "deadlines", "at", "expected"), CASES, ids=IDS)
def test_status_in_sql(call_for, case, opens_at, deadlines, at, expected):
    call = call_for(opens_at, deadlines)
    found = {
        status: Call.objects.with_status([status], at=at).filter(pk=call.pk).exists()
        for status in CallStatus
    }
    assert found == {status: status == expected for status in CallStatus}
    named_method = getattr(Call.objects, expected.value)
    assert list(named_method(at=at)) == [call]


@pytest.mark.parametrize(("case", "opens_at", "deadlines", "at", "expected"), CASES, ids=IDS)
def test_status_property_uses_the_current_time(call_for, case, opens_at, deadlines, at, expected):
    call = call_for(opens_at, deadlines)
    with time_machine.travel(at, tick=False):
        assert call.status == expected
        assert list(Call.objects.with_status([expected])) == [call]


# (case, deadlines, moment, days, closes within those days?)
CLOSING_CASES = [
    ("deadline exactly 7 days on", [SUMMER_DEADLINE], SUMMER_DEADLINE - timedelta(days=7), 7, True),
    (
        "deadline 7 days and a second on",
        [SUMMER_DEADLINE],
        SUMMER_DEADLINE - timedelta(days=7, seconds=1),
        7,
        False,
    ),
    (
        "deadline in 20 days, asked 30",
        [SUMMER_DEADLINE],
        SUMMER_DEADLINE - timedelta(days=20),
        30,
        True,
    ),
    ("already closed", [SUMMER_DEADLINE], SUMMER_DEADLINE, 30, False),
    (
        "second stage within reach",
        [SUMMER_DEADLINE, deadline_on(date(2024, 8, 30))],
        utc(2024, 8, 25),
        7,
        True,
    ),
]


@pytest.mark.parametrize(
    ("case", "deadlines", "at", "days", "expected"),
    CLOSING_CASES,
    ids=[c[0] for c in CLOSING_CASES],
)
def test_closing_within(call_for, case, deadlines, at, days, expected):
    call = call_for(OPENS, deadlines)
    assert Call.objects.closing_within(days, at=at).filter(pk=call.pk).exists() is expected


def test_deadline_given_as_a_date_is_17_00_brussels_time():
    assert deadline_on(date(2024, 8, 21)) == utc(2024, 8, 21, 15)
    assert deadline_on(date(2024, 12, 2)) == utc(2024, 12, 2, 16)
    assert deadline_on(date(2024, 8, 21)).astimezone(BRUSSELS).hour == 17


def test_opening_given_as_a_date_is_the_start_of_that_day_in_brussels():
    assert opening_on(date(2024, 5, 21)) == utc(2024, 5, 20, 22)
    assert opening_on(date(2023, 1, 17)) == utc(2023, 1, 16, 23)


def test_closes_at_is_the_next_deadline_then_the_last(call_for):
    second = deadline_on(date(2024, 11, 5))
    call = call_for(OPENS, [SUMMER_DEADLINE, second])
    with time_machine.travel(utc(2024, 6, 1), tick=False):
        assert call.closes_at == SUMMER_DEADLINE
    with time_machine.travel(utc(2024, 9, 1), tick=False):
        assert call.closes_at == second
    with time_machine.travel(utc(2025, 1, 1), tick=False):
        assert call.closes_at == second


def test_ordering_by_closing_puts_the_soonest_next_deadline_first(call_for):
    at = utc(2024, 6, 1)
    late = call_for(OPENS, [deadline_on(date(2024, 9, 30))])
    soon = call_for(OPENS, [deadline_on(date(2024, 6, 10))])
    closed_recently = call_for(opening_on(date(2024, 1, 1)), [deadline_on(date(2024, 5, 1))])
    closed_long_ago = call_for(opening_on(date(2023, 1, 1)), [deadline_on(date(2023, 5, 1))])
    ordered = list(Call.objects.order_by_closing(at=at))
    assert ordered == [soon, late, closed_recently, closed_long_ago]


CANCELLED_AT = utc(2024, 7, 1, 9)
# (case, moment, expected status) for an open call cancelled on 1 July 2024 at 09:00 UTC.
CANCELLATION_CASES = [
    ("before opening", utc(2024, 5, 1), FORTHCOMING),
    ("while open, before the cancellation", utc(2024, 7, 1, 8, 59, 59), OPEN),
    ("at the moment of cancellation", CANCELLED_AT, CallStatus.CANCELLED),
    ("after the deadline", utc(2024, 9, 1), CallStatus.CANCELLED),
]


@pytest.mark.parametrize(
    ("case", "at", "expected"), CANCELLATION_CASES, ids=[c[0] for c in CANCELLATION_CASES]
)
def test_a_cancellation_in_python_and_in_sql(call_for, case, at, expected):
    call = call_for(OPENS, [SUMMER_DEADLINE])
    Call.objects.filter(pk=call.pk).update(cancelled_at=CANCELLED_AT)
    call.refresh_from_db()
    assert call.status_at(at) == expected
    found = {
        status: Call.objects.with_status([status], at=at).filter(pk=call.pk).exists()
        for status in CallStatus
    }
    assert found == {status: status == expected for status in CallStatus}
    default = Call.objects.with_status([OPEN, FORTHCOMING], at=at).filter(pk=call.pk).exists()
    assert default is (expected in (OPEN, FORTHCOMING))
