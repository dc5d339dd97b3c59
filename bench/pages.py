"""Benchmark: server time of the call pages with 50,000 synthetic calls.

    make bench-pages                 # or: .venv/bin/python bench/pages.py [--requests N]

Fills a separate PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_bench) with the demo data plus 50,000
SYNTHETIC calls under a fund coded SYNTH (titles say "Synthetic benchmark call"),
then times requests through the whole Django stack in-process (no network) and
reports p50 and p95 in milliseconds. The data is made once and kept for later runs.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench"
)
SYNTHETIC_CALLS = 50_000
BATCH = 2_000
# Synthetic text with realistic selectivity: filler from a large pseudo-word
# vocabulary, and a few topic words per call, so that a two-word search matches a
# few hundred calls rather than all of them.
TOPICS = [
    "migration",
    "asylum",
    "integration",
    "return",
    "readmission",
    "border",
    "trafficking",
    "smuggling",
    "labour",
    "mobility",
    "children",
    "education",
    "language",
    "housing",
    "health",
    "reception",
    "protection",
    "resettlement",
    "diaspora",
    "skills",
    "employment",
    "inclusion",
    "community",
    "sponsorship",
    "awareness",
    "capacity",
    "dialogue",
    "governance",
    "cooperation",
    "partnership",
    "innovation",
    "research",
    "training",
    "guardianship",
]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ze",
    "pa",
    "do",
    "fi",
    "gu",
    "le",
    "mo",
]
FILLER = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES})


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DEBUG", "true")
    create_database(BENCH_DATABASE_URL)
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log: time what production runs


def create_database(url: str) -> None:
    """Create the PostgreSQL database of `url` unless it exists."""
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def _fill(*, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    from calls.models import Call, Deadline
    from portal.demo_loader import load_demo
    from programmes.models import Fund, ParticipantType, Programme, Theme

    call_command("migrate", verbosity=0)
    load_demo()
    fund, _ = Fund.objects.get_or_create(
        code="SYNTH", defaults={"name": "Synthetic benchmark fund", "call_prefix": "SYNTH"}
    )
    if not rebuild and Call.objects.filter(programme__fund=fund).count() >= SYNTHETIC_CALLS:
        return
    Call.objects.filter(programme__fund=fund).delete()
    programmes = _programmes(fund, Programme, Theme, ParticipantType)
    rng = random.Random(2026)
    start = time.perf_counter()
    for first in range(0, SYNTHETIC_CALLS, BATCH):
        calls = [_call(n, rng, programmes, Call) for n in range(first, first + BATCH)]
        Call.objects.bulk_create(calls)
        Deadline.objects.bulk_create(d for call in calls for d in _deadlines(call, rng, Deadline))
    print(f"Made {SYNTHETIC_CALLS} synthetic calls in {time.perf_counter() - start:.0f} s")
    # Each deadline rewrote its call's row (the schedule triggers): vacuum as autovacuum
    # would in a running system, so the timings are of a steady state.
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL calls_call")
        cursor.execute("VACUUM ANALYZE")


def _programmes(fund, Programme, Theme, ParticipantType) -> list:
    themes, types = list(Theme.objects.all()), list(ParticipantType.objects.all())
    programmes = []
    for n in range(10):
        programme, _ = Programme.objects.get_or_create(
            slug=f"synthetic-benchmark-{n}",
            defaults={"fund": fund, "title": f"Synthetic benchmark programme {n}"},
        )
        programme.themes.set(themes[n % len(themes) :][:1])
        programme.eligible_participants.set(types[n % len(types) :][:3])
        programmes.append(programme)
    return programmes


def _call(n: int, rng: random.Random, programmes: list, Call):
    opens = datetime(2016, 1, 1, tzinfo=UTC) + timedelta(days=rng.uniform(0, 15 * 365))
    return Call(
        code=10_000_000 + n,
        identifier=f"SYNTH-{opens.year}-AG-{n:06d}",
        title=f"Synthetic benchmark call {n}: " + " ".join(rng.sample(TOPICS, 2)),
        summary=" ".join(rng.choices(FILLER, k=25)),
        description="\n\n".join(_paragraph(rng) for _ in range(3)),
        programme=rng.choice(programmes),
        type_of_action="AG",
        opens_at=opens,
        published_at=opens - timedelta(days=30),  # public, as calls are a month before opening
    )


def _paragraph(rng: random.Random) -> str:
    words = rng.choices(FILLER, k=60)
    words[rng.randrange(60)] = rng.choice(TOPICS)
    return " ".join(words)


def _deadlines(call, rng: random.Random, Deadline) -> list:
    first = call.opens_at + timedelta(days=rng.randint(30, 150))
    deadlines = [Deadline(call=call, due_at=first)]
    if rng.random() < 0.1:  # two-stage calls
        deadlines.append(Deadline(call=call, due_at=first + timedelta(days=rng.randint(60, 120))))
    return deadlines


def _measure(client, url: str, requests: int) -> tuple[float, float]:
    for _ in range(5):
        assert client.get(url).status_code in (200, 302), url
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), url
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--rebuild", action="store_true", help="make the synthetic calls again")
    args = parser.parse_args()
    _setup_django()
    _fill(rebuild=args.rebuild)
    from django.test import Client

    from calls.models import Call

    call = Call.objects.get(code=10_000_000 + 12_345)
    code = call.identifier
    pages = {
        "/calls/": "/calls/",
        "/calls/?q=...": "/calls/?q=trafficking+children",
        "/calls/<identifier>/": call.get_absolute_url(),
        # The searches of issue 13: an identifier code in full (redirects to the call)
        # and in part, in lower case with spaces; several words; a misspelling (finds
        # nothing, then suggests).
        "q=identifier": f"/calls/?q={code.lower()}",
        "q=identifier piece": f"/calls/?q={code[:-1].lower().replace('-', '+')}",
        "q=several words": "/calls/?q=migration+integration+children",
        "q=misspelling": "/calls/?q=trafficing",
    }
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{Call.objects.count()} calls; {args.requests} requests per page, in-process")
    print(f"{'page':<24}{'p50 ms':>10}{'p95 ms':>10}")
    for name, url in pages.items():
        p50, p95 = _measure(client, url, args.requests)
        print(f"{name:<24}{p50:>10.1f}{p95:>10.1f}")


if __name__ == "__main__":
    main()
