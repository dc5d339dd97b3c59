"""A page of calls from SQL kept per question (api.call_pages): compiled once, answered
at the moment of each request, on SQLite and PostgreSQL alike."""

from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from api.call_pages import KEPT, Statement
from calls.models import Call
from foundation.brussels import deadline_on
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calls/"
BEFORE_THE_DEADLINE = datetime(2025, 6, 1, tzinfo=UTC)
AFTER_THE_DEADLINE = datetime(2025, 7, 1, tzinfo=UTC)


def listed(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [call["identifier"] for call in response.json()["results"]]


@pytest.fixture(autouse=True)
def nothing_kept():
    KEPT.clear()
    yield
    KEPT.clear()


def test_a_question_asked_again_is_not_compiled_again(api):
    CallFactory(identifier="TESTF-2025-AG-OPEN")
    with time_machine.travel(BEFORE_THE_DEADLINE, tick=False):
        first = api.get(URL, {"status": "open"})
        assert not KEPT  # asked once: noted only
        second = api.get(URL, {"status": "open"})
        assert KEPT
        again = _uncompiled(api, {"status": "open"})
    assert listed(first) == listed(second) == listed(again) == ["TESTF-2025-AG-OPEN"]
    assert first.json() == again.json()


def _uncompiled(api, params):
    """The answer to `params`, asserting that no query was compiled for it."""
    compiled = []
    original = SQLCompiler.as_sql

    def as_sql(compiler, *args, **kwargs):
        compiled.append(compiler.query.model)
        return original(compiler, *args, **kwargs)

    with (
        mock.patch.object(SQLCompiler, "as_sql", as_sql),
        CaptureQueriesContext(connection) as queries,
    ):
        response = api.get(URL, params)
    assert compiled == []
    assert len([q for q in queries if "calls_call" in q["sql"]]) == 1
    return response


def test_a_kept_question_is_answered_at_the_moment_it_is_asked(api):
    CallFactory(identifier="TESTF-2025-AG-ENDS", deadlines=[deadline_on(date(2025, 6, 30))])
    with time_machine.travel(BEFORE_THE_DEADLINE, tick=False):
        for _ in range(2):  # asked again: kept
            assert listed(api.get(URL, {"status": "open"})) == ["TESTF-2025-AG-ENDS"]
            assert listed(api.get(URL, {"status": "closed"})) == []
    with time_machine.travel(AFTER_THE_DEADLINE, tick=False):
        assert listed(_uncompiled(api, {"status": "open"})) == []
        closed = _uncompiled(api, {"status": "closed"}).json()["results"]
    assert [(c["identifier"], c["status"]) for c in closed] == [("TESTF-2025-AG-ENDS", "closed")]


def test_each_question_is_kept_apart(api):
    CallFactory(identifier="TESTF-2025-AG-FIRST", deadlines=[deadline_on(date(2025, 6, 30))])
    CallFactory(identifier="TESTF-2025-AG-LATER", deadlines=[deadline_on(date(2025, 9, 30))])
    with time_machine.travel(BEFORE_THE_DEADLINE, tick=False):
        for _ in range(3):  # noted, kept, read from what was kept
            soonest = listed(api.get(URL, {"status": "open"}))
            latest = listed(api.get(URL, {"status": "open", "ordering": "-closes_at"}))
            first_page = api.get(URL, {"status": "open", "page_size": 1}).json()
            second_page = api.get(first_page["next"]).json()
    assert soonest == ["TESTF-2025-AG-FIRST", "TESTF-2025-AG-LATER"]
    assert latest == soonest[::-1]
    assert [c["identifier"] for c in first_page["results"] + second_page["results"]] == soonest


def test_a_question_asked_once_is_compiled_once(api):
    compiled = []
    original = Statement.of.__func__

    def of(cls, queryset):
        compiled.append(queryset)
        return original(cls, queryset)

    with mock.patch.object(Statement, "of", classmethod(of)):
        api.get(URL, {"status": "open"})
    assert len(compiled) == 1 and not KEPT


def test_a_filter_that_reads_rows_is_compiled_each_time(api):
    CallFactory(identifier="TESTF-2025-AG-OPEN")
    for _ in range(2):
        api.get(URL, {"theme": "return"})
        api.get(URL, {"q": "synthetic"})
    assert not KEPT


def test_an_invalid_question_is_refused_and_not_kept(api):
    for _ in range(2):
        assert api.get(URL, {"status": "someday"}).status_code == 400
    assert not KEPT


def test_a_key_with_a_user_is_compiled_each_time(personas):
    for _ in range(2):
        personas.client("ncp_a").get(URL)
    assert not KEPT


def test_the_places_of_the_moment_are_found():
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    other = moment - timedelta(days=400)
    statement = Statement.of(Call.objects.filter(published_at__lte=moment, version__gt=1))
    at_other = Statement.of(Call.objects.filter(published_at__lte=other, version__gt=1))
    kept = statement.keepable(moment, at_other, other)
    assert kept is not None and len(kept.moments) == 1
    later = moment + timedelta(hours=3)
    (place,) = kept.moments
    assert kept.at(later)[place] in (later, connection.ops.adapt_datetimefield_value(later))


def test_a_query_with_something_else_of_the_moment_is_not_kept():
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    other = moment - timedelta(days=400)

    def month_before(at):
        return Statement.of(Call.objects.filter(published_at__lte=at - timedelta(days=30)))

    assert month_before(moment).keepable(moment, month_before(other), other) is None
