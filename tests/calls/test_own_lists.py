"""The flags that say whether a call has eligible participant types and themes of its
own (`has_own_participant_types`, `has_own_themes`), kept by the database's triggers
(calls/own_lists.py), on SQLite and on PostgreSQL alike."""

import threading
import time

import psycopg2
import pytest
from django.db import connection

from calls import own_lists
from calls.models import Call
from calls.services import DeadlineInput, call_update
from programmes.models import ParticipantType, Theme
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db


def named(model, slug: str):
    return model.objects.create(slug=slug, name=slug.title())


def flags(call) -> tuple[bool, bool]:
    [row] = Call.objects.filter(pk=call.pk).values_list(
        "has_own_participant_types", "has_own_themes"
    )
    return row


def test_the_flags_follow_the_calls_own_lists():
    call = CallFactory()
    theme, other_theme = named(Theme, "return"), named(Theme, "asylum")
    participant_type = named(ParticipantType, "ngos")
    assert flags(call) == (False, False)

    call.themes.add(theme, other_theme)
    assert flags(call) == (False, True)
    call.eligible_participants.set([participant_type])
    assert flags(call) == (True, True)

    call.themes.remove(theme)
    assert flags(call) == (True, True)  # one theme is left
    call.themes.remove(other_theme)
    assert flags(call) == (True, False)
    call.eligible_participants.clear()
    assert flags(call) == (False, False)


def test_a_list_deleted_with_its_theme_or_type_clears_the_flag():
    call = CallFactory()
    theme, participant_type = named(Theme, "return"), named(ParticipantType, "ngos")
    call.themes.add(theme)
    call.eligible_participants.add(participant_type)

    theme.delete()
    participant_type.delete()

    assert flags(call) == (False, False)


def test_a_stale_call_saved_by_the_orm_does_not_undo_the_flags():
    call = CallFactory()
    stale = Call.objects.get(pk=call.pk)  # read before the themes are added
    call.themes.add(named(Theme, "return"))

    stale.title = "Changed elsewhere"
    stale.save()

    assert flags(call) == (False, True)


def test_a_copy_of_a_call_has_none_of_its_lists():
    call = CallFactory()
    call.themes.add(named(Theme, "return"))
    copy = Call.objects.get(pk=call.pk)
    assert copy.has_own_themes

    copy.pk = None
    copy.identifier, copy.code = "COPY-OF-A-CALL", 999999
    copy.save()

    assert flags(copy) == (False, False)


def test_the_database_keeps_the_flags_for_any_writer():
    """A row written by SQL alone, not by the ORM, sets and clears the flag."""
    call, theme = CallFactory(), named(Theme, "return")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO calls_call_themes (call_id, theme_id) VALUES (%s, %s)", [call.pk, theme.pk]
        )
        assert flags(call) == (False, True)
        cursor.execute("UPDATE calls_call SET has_own_themes = %s WHERE id = %s", [False, call.pk])
        assert flags(call) == (False, True)  # the call's own write is corrected
        cursor.execute("DELETE FROM calls_call_themes WHERE call_id = %s", [call.pk])
    assert flags(call) == (False, False)


@pytest.mark.django_db(transaction=True)
def test_making_the_triggers_sets_the_flags_of_the_calls_there():
    """As migration 0017 does, and SQLite's table rebuilds after it: lists written while
    there were no triggers are found when they are made."""
    with_themes, with_types, with_none = CallFactory(), CallFactory(), CallFactory()
    emptied = CallFactory()
    emptied.themes.add(named(Theme, "asylum"))
    with connection.schema_editor() as editor:
        own_lists.drop_own_lists(editor)
    with_themes.themes.add(named(Theme, "return"))
    with_types.eligible_participants.add(named(ParticipantType, "ngos"))
    emptied.themes.clear()
    assert flags(with_themes) == flags(with_types) == (False, False)
    assert flags(emptied) == (False, True)  # stale: its list went without the triggers

    with connection.schema_editor() as editor:
        own_lists.create_own_lists(editor)

    assert (flags(with_themes), flags(with_types), flags(with_none), flags(emptied)) == (
        (False, True),
        (True, False),
        (False, False),
        (False, False),
    )
    with_themes.themes.clear()
    assert flags(with_themes) == (False, False)  # the triggers are there again


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_transactions_removing_the_last_themes_at_once_clear_the_flag():
    """Each removes one of the call's two themes; the second waits for the first's lock
    on the call and then reads the lists as they are: none is left."""
    call = CallFactory()
    first, second = named(Theme, "return"), named(Theme, "asylum")
    call.themes.add(first, second)
    settings = connection.settings_dict
    dsn = {
        "dbname": settings["NAME"],
        "user": settings["USER"],
        "host": settings["HOST"],
        "port": settings["PORT"] or 5432,
    }
    delete = "DELETE FROM calls_call_themes WHERE call_id = %s AND theme_id = %s"
    one, two, watcher = (psycopg2.connect(**dsn) for _ in range(3))
    watcher.autocommit = True  # sees pg_stat_activity anew at each query
    try:
        one.cursor().execute(delete, [call.pk, first.pk])  # holds the call's row lock
        waiting = threading.Thread(
            target=lambda: (two.cursor().execute(delete, [call.pk, second.pk]), two.commit())
        )
        waiting.start()
        _until_waiting_for_a_lock(watcher, two.get_backend_pid())
        one.commit()
        waiting.join(timeout=10)
        assert not waiting.is_alive()
    finally:
        for each in (one, two, watcher):
            each.close()

    assert flags(call) == (False, False)


def _until_waiting_for_a_lock(connection_, pid: int) -> None:
    cursor = connection_.cursor()
    for _ in range(200):
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        if cursor.fetchone() == ("Lock",):
            return
        time.sleep(0.02)
    raise AssertionError("the second transaction never waited for the first")


def test_a_call_written_by_the_services_knows_its_flags():
    """The call the services give back shows its own lists at once, as read again."""
    call = CallFactory()
    theme = named(Theme, "return")

    written = call_update(
        call=call,
        user=None,
        expected_version=call.version,
        fields={},
        deadlines=[DeadlineInput(d.due_at, d.label, d.pk) for d in call.deadlines.all()],
        eligibility={"themes": [theme]},
    )

    assert (written.has_own_themes, written.theme_list()) == (True, [theme])
