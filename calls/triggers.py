"""Every deadline comes after its call opens, enforced by the database.

The rule spans two tables (a deadline and its call's opening), which a CHECK
constraint cannot express, so triggers enforce it on both sides: inserting or
moving a deadline, and moving a call's opening. PostgreSQL and SQLite raise an
integrity error with the same message. Migrations call `create` and `drop`; keep
the SQL here stable, since applied migrations rely on it.
"""

from django.db import migrations

from calls.search_index import create_fts_triggers, drop_fts_triggers

MESSAGE = "A deadline must come after the call opens."

POSTGRESQL = f"""
CREATE FUNCTION calls_deadline_after_opening() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM calls_call c
               WHERE c.id = NEW.call_id AND NEW.due_at <= c.opens_at) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
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
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation';
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
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER calls_deadline_after_opening_update BEFORE UPDATE OF due_at, call_id
    ON calls_deadline
    WHEN NEW.due_at <= (SELECT opens_at FROM calls_call WHERE id = NEW.call_id)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER calls_opening_before_deadlines BEFORE UPDATE OF opens_at ON calls_call
    WHEN EXISTS (SELECT 1 FROM calls_deadline WHERE call_id = NEW.id AND due_at <= NEW.opens_at)
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS calls_deadline_after_opening_insert;",
    "DROP TRIGGER IF EXISTS calls_deadline_after_opening_update;",
    "DROP TRIGGER IF EXISTS calls_opening_before_deadlines;",
]


def _run(schema_editor, postgresql, sqlite) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No deadline trigger for the {vendor} database.")


def create(schema_editor) -> None:
    _run(schema_editor, POSTGRESQL, SQLITE)


def drop(schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_REVERSE, SQLITE_REVERSE)


def sqlite_rebuild_guard(*, schedule: bool = False):
    """Operations to put around a migration step that rebuilds `calls_call` on SQLite.

    SQLite alters a table by copying it to a new one; triggers that name the table
    fail meanwhile, so they are dropped first and created again after. From migration
    0004 on, pass `schedule=True` to include the schedule triggers (and the search
    index's, once migration 0008 made its table; dropping the table would drop them).
    """

    def on_sqlite(*actions):
        def run(apps, schema_editor):
            if schema_editor.connection.vendor == "sqlite":
                for action in actions:
                    action(schema_editor)

        return run

    drops = (drop, drop_schedule, drop_fts_triggers) if schedule else (drop,)
    creates = (create, create_schedule, create_fts_triggers) if schedule else (create,)
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
    _run(schema_editor, SCHEDULE_POSTGRESQL, SCHEDULE_SQLITE)


def drop_schedule(schema_editor) -> None:
    _run(schema_editor, SCHEDULE_POSTGRESQL_REVERSE, SCHEDULE_SQLITE_REVERSE)
