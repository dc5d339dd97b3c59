"""Every deadline comes after its call opens, enforced by the database.

The rule spans two tables (a deadline and its call's opening), which a CHECK
constraint cannot express, so triggers enforce it on both sides: inserting or
moving a deadline, and moving a call's opening. Both databases raise an integrity
error that names the rule, `DEADLINE_AFTER_OPENING`, as PostgreSQL names a violated
constraint; `violated_rule` reads that name back, and the words for people are
`calls.models.DEADLINE_BEFORE_OPENING`. Migrations call `create` and `drop`; keep
the SQL here stable, since applied migrations rely on it (0013 replaced the
triggers of 0002, which raised the words instead of the name).
"""

import sqlite3

from django.db import IntegrityError, migrations

from calls.own_lists import create_own_lists, drop_own_lists, run_on_database
from calls.search_index import create_fts_triggers, drop_fts_triggers

DEADLINE_AFTER_OPENING = "deadline_after_opening"


def violated_rule(error: IntegrityError) -> str | None:
    """The name of the constraint or trigger rule that `error` reports, if it says.

    PostgreSQL names the constraint of every violation (the driver's `diag`), and the
    triggers here set it (`CONSTRAINT = ...`). SQLite passes on only a message: its
    triggers raise the rule's name as theirs, and the result code
    SQLITE_CONSTRAINT_TRIGGER tells their errors from any other.
    """
    cause = error.__cause__
    diag = getattr(cause, "diag", None)
    if diag is not None:
        return diag.constraint_name
    if getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_CONSTRAINT_TRIGGER:
        return str(cause)
    return None


POSTGRESQL = f"""
CREATE FUNCTION calls_deadline_after_opening() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM calls_call c
               WHERE c.id = NEW.call_id AND NEW.due_at <= c.opens_at) THEN
        RAISE EXCEPTION '{DEADLINE_AFTER_OPENING}'
            USING ERRCODE = 'check_violation', CONSTRAINT = '{DEADLINE_AFTER_OPENING}';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER calls_deadline_after_opening
    BEFORE INSERT OR UPDATE OF due_at, call_id ON calls_deadline
    FOR EACH ROW EXECUTE FUNCTION calls_deadline_after_opening();

CREATE FUNCTION calls_opening_before_deadlines() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM calls_deadline d
               WHERE d.call_id = NEW.id AND d.due_at <= NEW.opens_at) THEN
        RAISE EXCEPTION '{DEADLINE_AFTER_OPENING}'
            USING ERRCODE = 'check_violation', CONSTRAINT = '{DEADLINE_AFTER_OPENING}';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER calls_opening_before_deadlines
    BEFORE UPDATE OF opens_at ON calls_call
    FOR EACH ROW EXECUTE FUNCTION calls_opening_before_deadlines();
"""

POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS calls_opening_before_deadlines ON calls_call;
DROP FUNCTION IF EXISTS calls_opening_before_deadlines();
DROP TRIGGER IF EXISTS calls_deadline_after_opening ON calls_deadline;
DROP FUNCTION IF EXISTS calls_deadline_after_opening();
"""

# SQLite stores moments as UTC text in one format, so text order is time order.
SQLITE = [
    f"""
    CREATE TRIGGER calls_deadline_after_opening_insert BEFORE INSERT ON calls_deadline
    WHEN NEW.due_at <= (SELECT opens_at FROM calls_call WHERE id = NEW.call_id)
    BEGIN SELECT RAISE(ABORT, '{DEADLINE_AFTER_OPENING}'); END;
    """,
    f"""
    CREATE TRIGGER calls_deadline_after_opening_update BEFORE UPDATE OF due_at, call_id
    ON calls_deadline
    WHEN NEW.due_at <= (SELECT opens_at FROM calls_call WHERE id = NEW.call_id)
    BEGIN SELECT RAISE(ABORT, '{DEADLINE_AFTER_OPENING}'); END;
    """,
    f"""
    CREATE TRIGGER calls_opening_before_deadlines BEFORE UPDATE OF opens_at ON calls_call
    WHEN EXISTS (SELECT 1 FROM calls_deadline WHERE call_id = NEW.id AND due_at <= NEW.opens_at)
    BEGIN SELECT RAISE(ABORT, '{DEADLINE_AFTER_OPENING}'); END;
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS calls_deadline_after_opening_insert;",
    "DROP TRIGGER IF EXISTS calls_deadline_after_opening_update;",
    "DROP TRIGGER IF EXISTS calls_opening_before_deadlines;",
]


def create(schema_editor) -> None:
    run_on_database(schema_editor, POSTGRESQL, SQLITE)


def drop(schema_editor) -> None:
    run_on_database(schema_editor, POSTGRESQL_REVERSE, SQLITE_REVERSE)


def sqlite_rebuild_guard(*, schedule: bool = False):
    """Operations to put around a migration step that rebuilds `calls_call` on SQLite.

    SQLite alters a table by copying it to a new one; triggers that name the table
    fail meanwhile, so they are dropped first and created again after. From migration
    0004 on, pass `schedule=True` to include the schedule triggers (and the search
    index's, once migration 0008 made its table; dropping the table would drop them;
    and the tally's and the own lists' flags', once 0012 and 0017 made them).
    """

    def on_sqlite(*actions):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "sqlite":
                for action in actions:
                    action(schema_editor)

        return run

    drops, creates = (drop,), (create,)
    if schedule:
        drops = (drop, drop_schedule, drop_fts_triggers, drop_tally, drop_own_lists)
        creates = (create, create_schedule, create_fts_triggers, create_tally, create_own_lists)
    return (
        migrations.RunPython(on_sqlite(*drops), on_sqlite(*creates)),
        migrations.RunPython(on_sqlite(*creates), on_sqlite(*drops)),
    )


# --- The schedule columns: calls_call.submission_ends_at and deadline_count ---
# The end of submission (the latest deadline, or the opening when a call has none)
# and the number of deadlines are kept on the call so that the status of 50,000
# calls is a comparison of indexed columns. Only these triggers write them: any
# write to a call recomputes them from its deadlines (so a stale value sent by the
# ORM is corrected), and any change to a deadline touches its call.

SCHEDULE_POSTGRESQL = """
CREATE FUNCTION calls_call_schedule() RETURNS trigger AS $$
BEGIN
    SELECT coalesce(max(due_at), NEW.opens_at), count(*)
    INTO NEW.submission_ends_at, NEW.deadline_count
    FROM calls_deadline WHERE call_id = NEW.id;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER calls_call_schedule BEFORE INSERT OR UPDATE ON calls_call
    FOR EACH ROW EXECUTE FUNCTION calls_call_schedule();

CREATE FUNCTION calls_deadline_touch_call() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE calls_call SET deadline_count = 0 WHERE id = OLD.call_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE calls_call SET deadline_count = 0 WHERE id = NEW.call_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER calls_deadline_touch_call AFTER INSERT OR UPDATE OR DELETE ON calls_deadline
    FOR EACH ROW EXECUTE FUNCTION calls_deadline_touch_call();

UPDATE calls_call SET deadline_count = 0;
"""

SCHEDULE_POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS calls_deadline_touch_call ON calls_deadline;
DROP FUNCTION IF EXISTS calls_deadline_touch_call();
DROP TRIGGER IF EXISTS calls_call_schedule ON calls_call;
DROP FUNCTION IF EXISTS calls_call_schedule();
"""


def _sqlite_refresh(call_id: str) -> str:
    return f"""UPDATE calls_call SET
        submission_ends_at = coalesce(
            (SELECT max(due_at) FROM calls_deadline WHERE call_id = {call_id}), opens_at),
        deadline_count = (SELECT count(*) FROM calls_deadline WHERE call_id = {call_id})
        WHERE id = {call_id};"""


# SQLite cannot change NEW in a trigger: AFTER triggers update the row again (a
# trigger does not fire itself, as recursive triggers are off by default).
SCHEDULE_SQLITE = [
    f"CREATE TRIGGER calls_call_schedule_insert AFTER INSERT ON calls_call "
    f"BEGIN {_sqlite_refresh('NEW.id')} END;",
    f"CREATE TRIGGER calls_call_schedule_update AFTER UPDATE ON calls_call "
    f"BEGIN {_sqlite_refresh('NEW.id')} END;",
    f"CREATE TRIGGER calls_deadline_schedule_insert AFTER INSERT ON calls_deadline "
    f"BEGIN {_sqlite_refresh('NEW.call_id')} END;",
    f"CREATE TRIGGER calls_deadline_schedule_update AFTER UPDATE ON calls_deadline "
    f"BEGIN {_sqlite_refresh('OLD.call_id')} {_sqlite_refresh('NEW.call_id')} END;",
    f"CREATE TRIGGER calls_deadline_schedule_delete AFTER DELETE ON calls_deadline "
    f"BEGIN {_sqlite_refresh('OLD.call_id')} END;",
    "UPDATE calls_call SET deadline_count = 0;",
]

SCHEDULE_SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "calls_call_schedule_insert",
        "calls_call_schedule_update",
        "calls_deadline_schedule_insert",
        "calls_deadline_schedule_update",
        "calls_deadline_schedule_delete",
    )
]


def create_schedule(schema_editor) -> None:
    run_on_database(schema_editor, SCHEDULE_POSTGRESQL, SCHEDULE_SQLITE)


def drop_schedule(schema_editor) -> None:
    run_on_database(schema_editor, SCHEDULE_POSTGRESQL_REVERSE, SCHEDULE_SQLITE_REVERSE)


# --- The published calls per programme: calls_programmecalltally ---
# How many calls of each programme have a publication moment (published or scheduled),
# kept by these triggers and never written by the application. The live, scheduled and
# cancelled calls are few and indexed; with this number, the closed ones (all the rest)
# are counted without reading the archive (calls/counts.py).

TALLY_TABLE = "calls_programmecalltally"

TALLY_POSTGRESQL = f"""
CREATE FUNCTION calls_programme_tally() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.published_at IS NOT NULL THEN
            UPDATE {TALLY_TABLE} SET published = published - 1
            WHERE programme_id = OLD.programme_id;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.published_at IS NOT NULL THEN
            INSERT INTO {TALLY_TABLE} (programme_id, published) VALUES (NEW.programme_id, 1)
            ON CONFLICT (programme_id)
            DO UPDATE SET published = {TALLY_TABLE}.published + 1;
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER calls_programme_tally_change
    AFTER UPDATE OF published_at, programme_id ON calls_call FOR EACH ROW
    WHEN ((OLD.published_at IS NULL) IS DISTINCT FROM (NEW.published_at IS NULL)
          OR OLD.programme_id IS DISTINCT FROM NEW.programme_id)
    EXECUTE FUNCTION calls_programme_tally();

CREATE TRIGGER calls_programme_tally_insert_delete
    AFTER INSERT OR DELETE ON calls_call FOR EACH ROW
    EXECUTE FUNCTION calls_programme_tally();
"""

TALLY_POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS calls_programme_tally_change ON calls_call;
DROP TRIGGER IF EXISTS calls_programme_tally_insert_delete ON calls_call;
DROP FUNCTION IF EXISTS calls_programme_tally();
"""


def _sqlite_tally(sign: str, row: str) -> str:
    """Count `row` in (+) or out (-) of its programme's tally. Only a count in makes the
    programme's row: a call counted out of a programme with no row (a test database
    emptied table by table) is counted out of nothing, as on PostgreSQL."""
    make_row = (
        f"INSERT OR IGNORE INTO {TALLY_TABLE} (programme_id, published) "
        f"VALUES ({row}.programme_id, 0); "
        if sign == "+"
        else ""
    )
    return (
        f"{make_row}UPDATE {TALLY_TABLE} SET published = published {sign} 1 "
        f"WHERE programme_id = {row}.programme_id AND {row}.published_at IS NOT NULL;"
    )


TALLY_SQLITE = [
    f"CREATE TRIGGER calls_programme_tally_insert AFTER INSERT ON calls_call "
    f"BEGIN {_sqlite_tally('+', 'NEW')} END;",
    f"CREATE TRIGGER calls_programme_tally_delete AFTER DELETE ON calls_call "
    f"BEGIN {_sqlite_tally('-', 'OLD')} END;",
    f"CREATE TRIGGER calls_programme_tally_update AFTER UPDATE OF published_at, programme_id "
    f"ON calls_call BEGIN {_sqlite_tally('-', 'OLD')} {_sqlite_tally('+', 'NEW')} END;",
]

TALLY_SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "calls_programme_tally_insert",
        "calls_programme_tally_delete",
        "calls_programme_tally_update",
    )
]

TALLY_FILL = f"""
DELETE FROM {TALLY_TABLE};
INSERT INTO {TALLY_TABLE} (programme_id, published)
    SELECT programme_id, count(*) FROM calls_call WHERE published_at IS NOT NULL
    GROUP BY programme_id;
"""


def _tally_exists(schema_editor) -> bool:
    """Whether the tally's table is there: migrations before 0012 rebuild calls_call
    through `sqlite_rebuild_guard` without it."""
    return TALLY_TABLE in schema_editor.connection.introspection.table_names()


def create_tally(schema_editor) -> None:
    """Create the tally's triggers and count what is there (after a rebuild too)."""
    if _tally_exists(schema_editor):
        run_on_database(schema_editor, TALLY_POSTGRESQL, TALLY_SQLITE)
        for statement in filter(str.strip, TALLY_FILL.split(";")):
            schema_editor.execute(statement)


def drop_tally(schema_editor) -> None:
    if _tally_exists(schema_editor):
        run_on_database(schema_editor, TALLY_POSTGRESQL_REVERSE, TALLY_SQLITE_REVERSE)
