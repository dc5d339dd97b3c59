"""Benchmark: server time of the public pages on 10,000 to 200,000 synthetic calls.

    make bench-pages                 # or: .venv/bin/python bench/pages.py [--sizes 10k,50k]

For each size, on the catalogue of that size (bench/catalogue.py, made once and kept),
times requests through the whole Django stack in-process (no network) with production
settings (bench/harness.py: DEBUG off, cached template loader), in rounds that alternate
between the pages so that noise spreads over all of them. Beside each page's p95 stands
its SQL alone: the statements one warm request ran, captured and replayed raw on a cursor
as many times, timed from send to last row fetched: the floor the page cannot go below
without changing its queries. Prints p50 and p95 in milliseconds at each size, the
growth from the smallest size to the largest, and the machine's load average.

A page slower than the time budget stops being requested after --minimum requests, so
that a page reading every call of a programme does not hold the run for an hour.
"""

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402
from bench.harness import create_database  # noqa: E402, F401 (the other benchmarks import it)

PROGRAMME = "amif-2021-2027"
COUNTRY = "TR"


def _pages() -> dict[str, str]:
    """The pages timed, by name: the call page is that of the first open topic."""
    from django.utils import timezone

    from calls.models import Call

    call = (
        Call.objects.public()
        .open(at=timezone.now())
        .exclude(parent_identifier="")
        .order_by("pk")
        .first()
    )
    code = call.identifier
    return {
        "/calls/": "/calls/",
        "/calls/?q=several words": "/calls/?q=trafficking+children",
        # The searches of issue 13: an identifier code in full (redirects to the call)
        # and in part, in lower case with spaces; three words; a misspelling (finds
        # nothing, then suggests).
        "q=identifier": f"/calls/?q={code.lower()}",
        "q=identifier piece": f"/calls/?q={code.rsplit('-', 1)[0].lower().replace('-', '+')}",
        "q=three words": "/calls/?q=migration+integration+children",
        "q=misspelling": "/calls/?q=trafficing",
        "a call page": call.get_absolute_url(),
        "home": "/",
        "a country page": f"/countries/{COUNTRY}/",
        "a programme page": f"/programmes/{PROGRAMME}/",
    }


def _get(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code in (200, 302), (url, response.status_code)
    return elapsed


def _statements(client, url: str) -> list[tuple[str, object]]:
    """The SQL statements a request of `url` runs, with their parameters."""
    from django.db import connection

    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        _get(client, url)
    return statements


def _replay(statements) -> float:
    """Milliseconds to run `statements` raw and fetch their rows, in a transaction that
    is rolled back (a write, if a page makes one, is not kept)."""
    from django.db import connection, transaction

    with transaction.atomic():
        cursor = connection.connection.cursor()  # psycopg's own, below Django's wrapper
        started = time.perf_counter()
        for sql, params in statements:
            cursor.execute(sql, params)
            if cursor.description is not None:
                cursor.fetchall()
        elapsed = (time.perf_counter() - started) * 1000
        cursor.close()
        transaction.set_rollback(True)
    return elapsed


def explain(size: str, *, slowest: int) -> None:
    """Print, for each page, its `slowest` statements with EXPLAIN ANALYZE: where the
    time goes at `size`."""
    from django.db import connection

    client = harness.client()
    print(f"\n{size}: the slowest statements of each page; {harness.machine()}")
    for name, url in _pages().items():
        _get(client, url)
        timed = [(_replay([statement]), statement) for statement in _statements(client, url)]
        print(f"\n=== {name} ({url}): {len(timed)} statements, {sum(t for t, _ in timed):.1f} ms")
        for elapsed, (sql, params) in sorted(timed, key=lambda item: -item[0])[:slowest]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n    ".join(row[0] for row in cursor.fetchall())
            print(f"--- {elapsed:.1f} ms: {sql[:300]}\n    {plan}")


def _percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[max(0, round(len(ordered) * 0.95) - 1)]


def measure(size: str, *, requests: int, minimum: int, budget: float) -> dict:
    """Time every page on the catalogue of `size` (this process's database)."""
    from calls.models import Call

    pages = _pages()
    client = harness.client()
    for url in pages.values():  # warm: templates compiled, caches filled (and again below)
        _get(client, url)
    statements = {name: _statements(client, url) for name, url in pages.items()}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    floors: dict[str, list[float]] = {name: [] for name in pages}
    spent = dict.fromkeys(pages, 0.0)
    for _ in range(requests):
        for name, url in pages.items():
            if len(timings[name]) >= minimum and spent[name] > budget * 1000:
                continue
            timings[name].append(_get(client, url))
            spent[name] += timings[name][-1]
            floors[name].append(_replay(statements[name]))
    result = {"size": size, "calls": Call.objects.count(), "machine": harness.machine()}
    result["pages"] = {
        name: {
            "url": pages[name],
            "requests": len(timings[name]),
            "queries": len(statements[name]),
            "p50": _percentiles(timings[name])[0],
            "p95": _percentiles(timings[name])[1],
            "sql_p50": _percentiles(floors[name])[0],
            "sql_p95": _percentiles(floors[name])[1],
        }
        for name in pages
    }
    return result


def _print_size(result: dict) -> None:
    print(f"\n{result['size']}: {result['calls']:,} calls; {result['machine']}")
    print(f"{'page':<26}{'requests':>9}{'queries':>8}{'p50 ms':>9}{'p95 ms':>9}{'SQL p95':>9}")
    for name, page in result["pages"].items():
        print(
            f"{name:<26}{page['requests']:>9}{page['queries']:>8}{page['p50']:>9.1f}"
            f"{page['p95']:>9.1f}{page['sql_p95']:>9.1f}"
        )


def print_growth(results: dict[str, dict]) -> None:
    """The growth table: p50 / p95 (SQL alone p95) at each size, and the growth."""
    sizes = list(results)
    first, last = sizes[0], sizes[-1]
    print(f"\nms, p50 / p95 (its SQL alone, p95); growth of p95 from {first} to {last}")
    header = f"{'page':<26}" + "".join(f"{size:>22}" for size in sizes) + f"{'growth':>8}"
    print(header)
    for name in results[first]["pages"]:
        cells = []
        for size in sizes:
            page = results[size]["pages"][name]
            cells.append(f"{page['p50']:.0f} / {page['p95']:.0f} ({page['sql_p95']:.0f})")
        growth = results[last]["pages"][name]["p95"] / results[first]["pages"][name]["p95"]
        print(f"{name:<26}" + "".join(f"{cell:>22}" for cell in cells) + f"{growth:>7.1f}x")
    for size in sizes:
        print(f"{size}: {results[size]['machine']}")


def main() -> None:
    parser = harness.parser(__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="rounds (requests per page)")
    parser.add_argument("--minimum", type=int, default=5, help="requests of a slow page")
    parser.add_argument("--budget", type=float, default=20, help="seconds per page and size")
    parser.add_argument(
        "--explain", type=int, default=0, help="print each page's N slowest statements instead"
    )
    args = parser.parse_args()
    if args.one:
        harness.start(args.one, rebuild=args.rebuild)
        if args.explain:
            explain(args.one, slowest=args.explain)
            return
        result = measure(args.one, requests=args.requests, minimum=args.minimum, budget=args.budget)
        _print_size(result)
        harness.report(result)
        return
    options = ["--requests", str(args.requests), "--minimum", str(args.minimum)]
    options += ["--budget", str(args.budget), "--explain", str(args.explain)]
    results = harness.run_sizes(__file__, args.sizes, options + ["--rebuild"] * args.rebuild)
    if results:
        print_growth(results)


if __name__ == "__main__":
    main()
