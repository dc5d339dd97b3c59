"""The databases' side of the search (calls/search.py): the folding of the calls' text and,
on SQLite, the FTS5 table kept in step with the calls by triggers.

- PostgreSQL: `calls_search_fold(text)`, an IMMUTABLE SQL function (look-alike letters
  made Latin by `translate`, accents removed by the `unaccent` extension, lower case),
  used by the generated column `Call.search_document` and on the words searched.
- SQLite: `calls_call_fts`, an FTS5 table with the porter stemmer and the unicode61
  tokenizer removing accents and folding case; triggers copy a call's text into it on
  insert, on a change of its text and on delete, with the look-alike letters replaced.

Migrations call these functions; keep the SQL stable, since applied migrations rely on it.
"""

from calls.search import FTS_TABLE
from calls.search_text import LOOK_ALIKE_PAIRS

FOLD_POSTGRESQL = """
CREATE OR REPLACE FUNCTION calls_search_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT lower(public.unaccent('public.unaccent'::regdictionary, translate($1, %s, %s)))
$$;
"""

COLUMNS = ("identifier", "title", "summary", "description")


def _replace_each(sql: str, pairs) -> str:
    for letter, latin in pairs:
        sql = f"replace({sql}, '{letter}', '{latin}')"
    return sql


def _fold_sqlite(column: str) -> str:
    """`column` with the look-alike letters replaced (SQLite has no translate; the
    tokenizer does the rest of the folding). Nested replace() calls in two subqueries:
    SQLite's parser refuses more than about 30 nested calls."""
    half = len(LOOK_ALIKE_PAIRS) // 2
    first = _replace_each(column, LOOK_ALIKE_PAIRS[:half])
    return f"(SELECT {_replace_each('t', LOOK_ALIKE_PAIRS[half:])} FROM (SELECT {first} AS t))"


def _insert_row(row: str) -> str:
    values = ", ".join(_fold_sqlite(f"{row}.{column}") for column in COLUMNS)
    return f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) VALUES ({row}.id, {values});"


SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({', '.join(COLUMNS)}, "
    "tokenize = 'porter unicode61 remove_diacritics 2')"
)
SQLITE_FILL = (
    f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) "
    f"SELECT id, {', '.join(_fold_sqlite(column) for column in COLUMNS)} FROM calls_call"
)
SQLITE_TRIGGERS = {
    "calls_call_fts_insert": f"AFTER INSERT ON calls_call BEGIN {_insert_row('NEW')} END",
    "calls_call_fts_update": (
        f"AFTER UPDATE OF {', '.join(COLUMNS)} ON calls_call BEGIN "
        f"DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id; {_insert_row('NEW')} END"
    ),
    "calls_call_fts_delete": (
        f"AFTER DELETE ON calls_call BEGIN DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id; END"
    ),
}


def create_fold(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        letters, latin = (
            "".join(pair[i] for pair in LOOK_ALIKE_PAIRS) for i in (0, 1)
        )  # fmt: skip
        schema_editor.execute(FOLD_POSTGRESQL, [letters, latin])


def has_fts_table(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        return cursor.fetchone() is not None


def create_fts(schema_editor) -> None:
    """The FTS5 table, filled from the calls, and its triggers (SQLite only)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TABLE)
        schema_editor.execute(SQLITE_FILL)
        create_fts_triggers(schema_editor)


def drop_fts(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        drop_fts_triggers(schema_editor)
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


def create_fts_triggers(schema_editor) -> None:
    """The triggers, when the FTS5 table exists (SQLite only): also called around a
    rebuild of calls_call (calls/triggers.py, sqlite_rebuild_guard), which drops them."""
    if schema_editor.connection.vendor == "sqlite" and has_fts_table(schema_editor):
        for name, body in SQLITE_TRIGGERS.items():
            schema_editor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")


def drop_fts_triggers(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
