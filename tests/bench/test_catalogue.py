"""The benchmark catalogue (bench/catalogue.py): a live set of fixed size whatever the
archive, every kind of call, and the columns the database's triggers keep right
(PostgreSQL: the generator COPYs into it)."""

import argparse
from datetime import UTC, datetime

import pytest
from django.db import connection

from bench import catalogue
from calls.models import Call, CallObjective, ParentCall

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
TOTAL = 2_000
# The generator COPYs into PostgreSQL's tables and vacuums: outside a test transaction.
needs_postgresql = pytest.mark.django_db(transaction=True)


def test_sizes_are_parsed_and_an_unknown_one_is_refused():
    assert catalogue.parse_sizes("10k, 50k") == ["10k", "50k"]
    with pytest.raises(argparse.ArgumentTypeError, match="10k"):
        catalogue.parse_sizes("10k,20k")


@needs_postgresql
@pytest.mark.postgresql
def test_a_catalogue_holds_the_live_set_and_an_archive_kept_right_by_the_triggers():
    catalogue.generate(TOTAL, now=NOW)

    calls = Call.objects.all()
    live = catalogue.LIVE
    assert calls.count() == TOTAL
    assert calls.drafts().count() == live["draft"]
    assert calls.scheduled(at=NOW).count() == live["scheduled"]
    public = calls.public(at=NOW)
    assert public.open(at=NOW).count() >= live["open"]  # with the demo's open calls, if any
    assert public.forthcoming(at=NOW).count() >= live["forthcoming"]
    assert public.with_status(["cancelled"], at=NOW).count() > live["cancelled"]
    assert public.closed(at=NOW).count() > TOTAL // 4
    models = set(calls.values_list("deadline_model", flat=True))
    assert {"single-stage", "two-stage", "multiple cut-off"} <= models
    assert ParentCall.objects.exists() and calls.exclude(parent_identifier="").exists()
    assert CallObjective.objects.exists() and calls.exclude(budget=None).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM calls_call c WHERE c.deadline_count <>"
            " (SELECT count(*) FROM calls_deadline d WHERE d.call_id = c.id)"
            " OR c.submission_ends_at IS DISTINCT FROM coalesce("
            " (SELECT max(due_at) FROM calls_deadline d WHERE d.call_id = c.id), c.opens_at)"
        )
        assert cursor.fetchone()[0] == 0
    assert Call.objects.search("trafficking").exists()  # the search document is made


@needs_postgresql
@pytest.mark.postgresql
def test_a_wrong_schedule_column_is_caught():
    catalogue.generate(TOTAL, now=NOW)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE calls_call DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE calls_call SET deadline_count = 7 WHERE id = (SELECT max(id) FROM calls_call)"
        )
        cursor.execute("ALTER TABLE calls_call ENABLE TRIGGER USER")
        with pytest.raises(RuntimeError, match="1 calls with wrong schedule columns"):
            catalogue._check(cursor)
