"""The databases' side of the search (calls/search.py): the folding of the calls' text and,
on SQLite, the FTS5 table kept in step with the calls by triggers.

- PostgreSQL: `calls_search_fold(text)`, an IMMUTABLE SQL function (look-alike letters
  made Latin by `translate`, accents removed by the `unaccent` extension, lower case),
  used by the generated column `Call.search_document` and on the words searched.
- SQLite: `calls_call_fts`, an FTS5 table with the porter stemmer and the unicode61
  tokenizer removing accents and folding case; triggers copy a call's text into it on
  insert, on a change of its text and on delete, with the look-alike letters replaced.

The words of the calls' text, unstemmed, for spelling suggestions (calls/search_suggestions.py):
- PostgreSQL: the table `calls_search_word` with a trigram index (pg_trgm), to which a
  trigger adds the folded words of a call's text when it is written. Words are only
  added: a suggestion is offered only if it finds calls.
- SQLite: `calls_call_words`, a second FTS5 table without stemmer kept by the same
  triggers, read through its vocabulary table `calls_call_words_vocab` (fts5vocab).

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
WORDS_TABLE, WORDS_VOCABULARY = "calls_call_words", "calls_call_words_vocab"
# The words worth suggesting: folded Latin words of 4 to 30 letters.
WORD_PATTERN = "^[a-z]{4,30}$"

# Words inserted in order, so that concurrent writers take their locks in the same
# order (ON CONFLICT waits on a row another transaction inserts).
WORDS_POSTGRESQL = f"""
CREATE TABLE calls_search_word (word text PRIMARY KEY);
CREATE INDEX calls_search_word_trigram ON calls_search_word USING gin (word gin_trgm_ops);

CREATE FUNCTION calls_search_words_of(text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT DISTINCT w FROM unnest(tsvector_to_array(to_tsvector('simple',
        calls_search_fold($1)))) AS w
    WHERE w ~ '{WORD_PATTERN}' ORDER BY w
$$;

CREATE FUNCTION calls_search_words() RETURNS trigger AS $$
BEGIN
    INSERT INTO calls_search_word (word)
    SELECT calls_search_words_of(concat_ws(' ', NEW.title, NEW.summary, NEW.description))
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER calls_search_words AFTER INSERT OR UPDATE OF title, summary, description
    ON calls_call FOR EACH ROW EXECUTE FUNCTION calls_search_words();

INSERT INTO calls_search_word (word)
SELECT DISTINCT calls_search_words_of(concat_ws(' ', title, summary, description))
FROM calls_call ON CONFLICT DO NOTHING;
"""

WORDS_POSTGRESQL_REVERSE = """
DROP TRIGGER IF EXISTS calls_search_words ON calls_call;
DROP FUNCTION IF EXISTS calls_search_words();
DROP FUNCTION IF EXISTS calls_search_words_of(text);
DROP TABLE IF EXISTS calls_search_word;
"""


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


def _words_sqlite(row: str) -> str:
    text = " || ' ' || ".join(f"{row}.{column}" for column in COLUMNS[1:])
    return _fold_sqlite(text)


def _insert_row(row: str) -> str:
    values = ", ".join(_fold_sqlite(f"{row}.{column}") for column in COLUMNS)
    return (
        f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) VALUES ({row}.id, {values}); "
        f"INSERT INTO {WORDS_TABLE}(rowid, text) VALUES ({row}.id, {_words_sqlite(row)});"
    )


def _delete_row(row: str) -> str:
    return (
        f"DELETE FROM {FTS_TABLE} WHERE rowid = {row}.id; "
        f"DELETE FROM {WORDS_TABLE} WHERE rowid = {row}.id;"
    )


SQLITE_TABLES = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({', '.join(COLUMNS)}, "
    "tokenize = 'porter unicode61 remove_diacritics 2')",
    f"CREATE VIRTUAL TABLE {WORDS_TABLE} USING fts5(text, "
    "tokenize = 'unicode61 remove_diacritics 2', detail = none)",
    f"CREATE VIRTUAL TABLE {WORDS_VOCABULARY} USING fts5vocab({WORDS_TABLE}, row)",
    f"INSERT INTO {FTS_TABLE}(rowid, {', '.join(COLUMNS)}) "
    f"SELECT id, {', '.join(_fold_sqlite(column) for column in COLUMNS)} FROM calls_call",
    f"INSERT INTO {WORDS_TABLE}(rowid, text) SELECT id, {_words_sqlite('calls_call')} "
    "FROM calls_call",
]
SQLITE_TRIGGERS = {
    "calls_call_fts_insert": f"AFTER INSERT ON calls_call BEGIN {_insert_row('NEW')} END",
    "calls_call_fts_update": (
        f"AFTER UPDATE OF {', '.join(COLUMNS)} ON calls_call BEGIN "
        f"{_delete_row('OLD')} {_insert_row('NEW')} END"
    ),
    "calls_call_fts_delete": f"AFTER DELETE ON calls_call BEGIN {_delete_row('OLD')} END",
}


def create_fold(schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        letters, latin = ("".join(pair[i] for pair in LOOK_ALIKE_PAIRS) for i in (0, 1))
        schema_editor.execute(FOLD_POSTGRESQL, [letters, latin])


def has_fts_table(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [FTS_TABLE])
        return cursor.fetchone() is not None


def create_fts(schema_editor) -> None:
    """SQLite: the FTS5 tables, filled from the calls, and their triggers. PostgreSQL:
    the table of words and its trigger."""
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TABLES:
            schema_editor.execute(statement)
        create_fts_triggers(schema_editor)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WORDS_POSTGRESQL)


def drop_fts(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        drop_fts_triggers(schema_editor)
        for table in (WORDS_VOCABULARY, WORDS_TABLE, FTS_TABLE):
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WORDS_POSTGRESQL_REVERSE)


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
