"""Synthetic catalogues of 10,000 to 200,000 calls, one PostgreSQL database per size.

    .venv/bin/python bench/catalogue.py --sizes 10k,50k    # make (or check) the databases

The benchmarks (bench/pages.py, bench/api.py) call `ensure(size)` and then time the
pages on `database_url(size)`: the prefix BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/portal_bench) plus `_10k`, `_50k`, `_100k` or `_200k`.
A database is made once (migrations, the demo data, then the calls) and kept; it is made
again when GENERATOR_VERSION changes, when it is older than MAX_AGE (its live calls
drift into the archive as time passes) or with `--rebuild`. The database's comment
records the version and the moment it was made.

What a catalogue holds, whatever its size (README, "Benchmarks"):

- a live set that does not grow with the archive: LIVE calls open and forthcoming,
  plus scheduled calls (published in the future) and drafts;
- an archive of closed calls filling the rest, spread over the years since 2007, in the
  programmes of their period, 1.5% of them cancelled;
- three in five calls are topics of a parent call (2 to 8 topics sharing the dates),
  most parents with a row of their own; 12% two-stage and 13% multiple cut-off calls;
- budgets (most calls), budgets per year, contributions, objectives (0 to 6),
  summaries and descriptions of realistic length (about 300 and 2,500 characters) in
  a Zipf-distributed vocabulary, own themes, participant types and countries on some.

Rows go in with COPY, in batches of one transaction each. A batch copies the deadlines
before their calls (Django's foreign keys are checked at commit), so that the database's
own triggers compute each call's `submission_ends_at` and `deadline_count` as the call is
inserted, the search trigger records its words and the generated column its search
document, as in production; `_check` then proves the schedule columns and the rule
"every deadline after the opening" (which the deadline trigger could not see yet).
"""

import argparse
import json
import os
import random
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 1
MAX_AGE = timedelta(days=30)
SIZES = {"10k": 10_000, "50k": 50_000, "100k": 100_000, "200k": 200_000}
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
BATCH = 10_000
WORDS_TRIGGER = "calls_search_words"  # calls/search_index.py

from bench.synthetic_calls import (  # noqa: E402
    ACTIONS,
    BACKGROUND,
    DEMO_PROGRAMMES,
    FUNDS,
    LIVE,  # noqa: F401 (the tests read the live set here)
    PERIODS,
    TOPIC_WORDS,
    Ids,
    calls_of,
    plan,
    send,
)


def database_url(size: str) -> str:
    return f"{BENCH_DATABASE_URL}_{size}"


def parse_sizes(text: str) -> list[str]:
    """`"10k,50k"` as ["10k", "50k"]; an unknown size is an argparse error."""
    sizes = [size.strip() for size in text.split(",") if size.strip()]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown or not sizes:
        raise argparse.ArgumentTypeError(f"sizes are among {', '.join(SIZES)}: {text!r}")
    return sizes


# --- The database ----------------------------------------------------------------


def _server(url: str):
    import psycopg2

    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    return connection


def _stamp(url: str) -> str | None:
    """The comment of the database of `url` (its version and date), None if it does not
    exist."""
    name = url.rsplit("/", 1)[1]
    with closing(_server(url)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database"
            " WHERE datname = %s",
            [name],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _is_current(stamp: str | None) -> bool:
    try:
        made = json.loads(stamp or "")
        made_at = datetime.fromisoformat(made["made_at"])
    except (ValueError, KeyError, TypeError):
        return False
    return made["version"] == GENERATOR_VERSION and datetime.now(UTC) - made_at < MAX_AGE


def _migrate() -> bool:
    """Apply the migrations not yet applied (later ones fill what they add); whether any
    was."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", verbosity=0)
    return bool(pending)


def _recreate(url: str) -> None:
    from psycopg2 import sql

    name = sql.Identifier(url.rsplit("/", 1)[1])
    with closing(_server(url)) as connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _mark(url: str, now: datetime) -> None:
    from psycopg2 import sql

    stamp = json.dumps({"version": GENERATOR_VERSION, "made_at": now.isoformat()})
    name = sql.Identifier(url.rsplit("/", 1)[1])
    with closing(_server(url)) as connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS %s").format(name), [stamp])


def ensure(size: str, *, rebuild: bool = False) -> str:
    """Make the catalogue of `size` unless a current one exists; return its URL. Runs in a
    process of its own (it sets DATABASE_URL and starts Django)."""
    url = database_url(size)
    with closing(_server(url)) as server, server.cursor() as lock:
        # One maker per size: a second run waits, then finds the catalogue made.
        lock.execute("SELECT pg_advisory_lock(hashtext(%s))", [url])
        return _ensure(size, url, rebuild=rebuild)


def _ensure(size: str, url: str, *, rebuild: bool) -> str:
    current = not rebuild and _is_current(_stamp(url))
    if not current:
        _recreate(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    if _migrate() and current:
        # A migration that filled a column rewrote rows of a kept catalogue: vacuum now,
        # as autovacuum would in time, so that the dead rows do not weigh on the figures.
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if not current:
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        started = time.perf_counter()
        generate(SIZES[size], now=now)
        print(f"Made {SIZES[size]:,} calls in {time.perf_counter() - started:.0f} s ({url})")
        _mark(url, now)
    return url


# --- Reference rows ---------------------------------------------------------------------


def _programmes() -> dict[int, list[tuple]]:
    """The programmes of each year, made where the demo lacks them, as (id, prefix, start,
    end); a programme appears once per fund weight point, so that rng.choice weighs it."""
    from programmes.models import Fund, ParticipantType, Programme, Theme

    themes, types = list(Theme.objects.all()), list(ParticipantType.objects.all())
    by_year: dict[int, list[tuple]] = {}
    for n, (code, name, prefix, weight) in enumerate(FUNDS):
        fund, _ = Fund.objects.get_or_create(code=code, defaults={"name": name})
        for start, end in PERIODS:
            slug = DEMO_PROGRAMMES.get(code) if start == 2021 else None
            programme = Programme.objects.filter(slug=slug).first() if slug else None
            if programme is None:
                programme, _ = Programme.objects.get_or_create(
                    slug=f"{prefix.lower()}-{start}-{end}",
                    defaults={"fund": fund, "title": f"{fund.name} ({start}-{end})"},
                )
                programme.themes.set(themes[n % len(themes) :][:2])
                programme.eligible_participants.set(types[n % len(types) :][:4])
            entry = (programme.pk, prefix, start, end)
            for year in range(start, end + 1):
                by_year.setdefault(year, []).extend([entry] * round(weight * 100))
    return by_year


def _next_ids(cursor) -> Ids:
    tables = [
        "calls_call",
        "calls_deadline",
        "calls_callobjective",
        "calls_call_themes",
        "calls_call_eligible_participants",
        "calls_parentcall",
    ]
    values = []
    for table in tables:
        cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
        values.append(cursor.fetchone()[0])
    return Ids(*values)


def _reset_sequences(cursor) -> None:
    for table in (
        "calls_call",
        "calls_deadline",
        "calls_callobjective",
        "calls_call_themes",
        "calls_call_eligible_participants",
        "calls_parentcall",
    ):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
        )


def _check(cursor) -> None:
    """Fail unless every call's schedule columns are what the triggers keep and every
    deadline comes after its call's opening."""
    cursor.execute("""
        SELECT count(*) FROM calls_call c
          LEFT JOIN (SELECT call_id, max(due_at) AS last, count(*) AS n
                       FROM calls_deadline GROUP BY call_id) d ON d.call_id = c.id
         WHERE c.submission_ends_at IS DISTINCT FROM coalesce(d.last, c.opens_at)
            OR c.deadline_count <> coalesce(d.n, 0)
    """)
    wrong = cursor.fetchone()[0]
    cursor.execute("""
        SELECT count(*) FROM calls_deadline d JOIN calls_call c ON c.id = d.call_id
         WHERE d.due_at <= c.opens_at
    """)
    early = cursor.fetchone()[0]
    # The words of a sample of calls, as the words trigger would record them, are known.
    cursor.execute("""
        SELECT count(*) FROM (SELECT * FROM calls_call TABLESAMPLE BERNOULLI (1)) c,
               calls_search_words_of(concat_ws(' ', c.title, c.summary, c.description)) w
         WHERE NOT EXISTS (SELECT 1 FROM calls_search_word s WHERE s.word = w)
    """)
    unknown = cursor.fetchone()[0]
    if wrong or early or unknown:
        raise RuntimeError(
            f"{wrong} calls with wrong schedule columns, {early} early deadlines, "
            f"{unknown} words missing from calls_search_word"
        )


def generate(total: int, *, now: datetime, seed: int = 2026) -> None:
    """Add `total` calls (with the demo's) to the database Django is connected to."""
    from django.db import connection, transaction

    from portal.demo_loader import load_demo
    from programmes.models import ParticipantType, Theme

    load_demo()
    rng = random.Random(seed)
    reference = {
        "themes": list(Theme.objects.values_list("pk", flat=True)),
        "participants": list(ParticipantType.objects.values_list("pk", flat=True)),
    }
    groups = plan(total - _demo_calls(), rng, now, _programmes())
    with connection.cursor() as cursor:
        ids = _next_ids(cursor)
        indexes = _drop_indexes(cursor)
        cursor.execute(f"ALTER TABLE calls_call DISABLE TRIGGER {WORDS_TRIGGER}")
    try:
        for first in range(0, len(groups), BATCH // 3):
            batch = groups[first : first + BATCH // 3]
            for group in batch:
                calls_of(group, rng, ids, reference)
            with transaction.atomic(), connection.cursor() as cursor:
                send(cursor, batch, ids, now)
            for group in batch:
                group.calls.clear()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE calls_call ENABLE TRIGGER {WORDS_TRIGGER}")
            for definition in indexes:
                cursor.execute(definition)
    with connection.cursor() as cursor:
        _add_words(cursor)
        _reset_sequences(cursor)
        _check(cursor)
        cursor.execute("VACUUM ANALYZE")


def _drop_indexes(cursor) -> list[str]:
    """Drop the indexes of calls_call that no constraint needs (the search document's GIN
    index above all: built once at the end, not row by row); return how to make them."""
    cursor.execute("""
        SELECT indexname, indexdef FROM pg_indexes i
         WHERE tablename = 'calls_call'
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                            WHERE c.conindid = quote_ident(i.indexname)::regclass)
    """)
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _add_words(cursor) -> None:
    """What the words trigger would have recorded, at once: the synthetic texts are made
    of these lists only, so their words are the words of the lists."""
    text = " ".join(BACKGROUND + TOPIC_WORDS + ACTIONS)
    cursor.execute(
        "INSERT INTO calls_search_word (word) SELECT calls_search_words_of(%s)"
        " ON CONFLICT DO NOTHING",
        [text],
    )


def _demo_calls() -> int:
    from calls.models import Call

    return Call.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=list(SIZES), help="e.g. 10k,50k")
    parser.add_argument("--rebuild", action="store_true", help="make the databases again")
    args = parser.parse_args()
    import subprocess

    for size in args.sizes:  # one process per database: Django connects once
        command = [sys.executable, __file__, "--one", size] + (["--rebuild"] * args.rebuild)
        subprocess.run(command, check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        ensure(sys.argv[2], rebuild="--rebuild" in sys.argv)
    else:
        main()
