"""Whether a call has lists of its own: `Call.has_own_participant_types` and
`Call.has_own_themes`, kept by triggers on PostgreSQL and SQLite.

A call's eligible participant types and themes are its own when it has any, else its
programme's. These flags say which, so that a query reads one list per call instead of
both (api.call_representation, `Call.eligibility_lists`). Only these triggers write them:
any write to a call recomputes them from its lists (so a stale value sent by the ORM is
corrected), and any change to a list touches its call. On PostgreSQL the call's BEFORE
trigger does the reading: a touch that waited for another transaction's lock on the call
reads the lists again when it gets it, so two concurrent changes leave the flags right.
Migration 0017 makes them; `calls.triggers.sqlite_rebuild_guard` makes them again after a
table rebuild.
"""

OWN_LISTS = {
    "has_own_participant_types": "calls_call_eligible_participants",
    "has_own_themes": "calls_call_themes",
}
OWN_LISTS_COLUMN = "has_own_themes"  # present once migration 0017 is applied


def _own_list_exists(table: str, call_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM {table} WHERE call_id = {call_id})"


_SET_FLAGS = "\n    ".join(
    f"NEW.{flag} := {_own_list_exists(table, 'NEW.id')};" for flag, table in OWN_LISTS.items()
)
OWN_LISTS_POSTGRESQL = f"""
CREATE FUNCTION calls_call_own_lists() RETURNS trigger AS $$
BEGIN
    {_SET_FLAGS}
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER calls_call_own_lists BEFORE INSERT OR UPDATE ON calls_call
    FOR EACH ROW EXECUTE FUNCTION calls_call_own_lists();

CREATE FUNCTION calls_own_list_touch_call() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE calls_call SET {OWN_LISTS_COLUMN} = false WHERE id = OLD.call_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE calls_call SET {OWN_LISTS_COLUMN} = false WHERE id = NEW.call_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER calls_own_list_touch_call AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION calls_own_list_touch_call();
"""
    for table in OWN_LISTS.values()
)

_DROP_TOUCHES = "".join(
    f"DROP TRIGGER IF EXISTS calls_own_list_touch_call ON {table};\n"
    for table in OWN_LISTS.values()
)
OWN_LISTS_POSTGRESQL_REVERSE = f"""{_DROP_TOUCHES}
DROP FUNCTION IF EXISTS calls_own_list_touch_call();
DROP TRIGGER IF EXISTS calls_call_own_lists ON calls_call;
DROP FUNCTION IF EXISTS calls_call_own_lists();
"""


def _own_lists_set(call_id: str, flags=tuple(OWN_LISTS)) -> str:
    return ", ".join(f"{flag} = {_own_list_exists(OWN_LISTS[flag], call_id)}" for flag in flags)


def _sqlite_own_lists(call_id: str, flags=tuple(OWN_LISTS)) -> str:
    return f"UPDATE calls_call SET {_own_lists_set(call_id, flags)} WHERE id = {call_id};"


_SQLITE_FLAGS_WRONG = " OR ".join(
    f"NEW.{flag} IS NOT {_own_list_exists(table, 'NEW.id')}" for flag, table in OWN_LISTS.items()
)
OWN_LISTS_SQLITE = [
    *(
        f"CREATE TRIGGER calls_call_own_lists_{event.lower()} AFTER {event} ON calls_call "
        f"WHEN {_SQLITE_FLAGS_WRONG} BEGIN {_sqlite_own_lists('NEW.id')} END;"
        for event in ("INSERT", "UPDATE")
    ),
    *(
        f"CREATE TRIGGER {table}_own_{event.lower()} AFTER {event} ON {table} BEGIN "
        + " ".join(_sqlite_own_lists(f"{row}.call_id", (flag,)) for row in rows)
        + " END;"
        for flag, table in OWN_LISTS.items()
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",)))
    ),
]

OWN_LISTS_SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS calls_call_own_lists_insert;",
    "DROP TRIGGER IF EXISTS calls_call_own_lists_update;",
    *(
        f"DROP TRIGGER IF EXISTS {table}_own_{event};"
        for table in OWN_LISTS.values()
        for event in ("insert", "update", "delete")
    ),
]

# The flags are false by default: the calls set are those with a list of their own, and
# those flagged while they have none (a list deleted while there were no triggers).
_WITH_LISTS = " UNION ".join(f"SELECT call_id FROM {table}" for table in OWN_LISTS.values())
_FILLED = f"WHERE {' OR '.join(OWN_LISTS)} OR id IN ({_WITH_LISTS})"
OWN_LISTS_FILL = {
    "postgresql": f"UPDATE calls_call SET {OWN_LISTS_COLUMN} = false {_FILLED}",
    "sqlite": f"UPDATE calls_call SET {_own_lists_set('calls_call.id')} {_FILLED}",
}


def run_on_database(schema_editor, postgresql: str, sqlite: list[str]) -> None:
    """Run the statements written for the schema editor's database (calls/triggers.py too)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgresql)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"No triggers written for the {vendor} database.")


def _own_lists_exist(schema_editor) -> bool:
    """Whether the flags' columns are there: migrations before 0017 rebuild calls_call
    through `sqlite_rebuild_guard` without them."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, "calls_call")
    return any(column.name == OWN_LISTS_COLUMN for column in columns)


def create_own_lists(schema_editor) -> None:
    """Create the flags' triggers (or make them again) and set the flags of the calls
    there (after a rebuild too)."""
    if _own_lists_exist(schema_editor):
        run_on_database(schema_editor, OWN_LISTS_POSTGRESQL_REVERSE, OWN_LISTS_SQLITE_REVERSE)
        run_on_database(schema_editor, OWN_LISTS_POSTGRESQL, OWN_LISTS_SQLITE)
        schema_editor.execute(OWN_LISTS_FILL[schema_editor.connection.vendor])


def drop_own_lists(schema_editor) -> None:
    if _own_lists_exist(schema_editor):
        run_on_database(schema_editor, OWN_LISTS_POSTGRESQL_REVERSE, OWN_LISTS_SQLITE_REVERSE)
