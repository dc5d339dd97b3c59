"""Benchmark: requests per second of /api/v1/calls/?status=open on 10,000 to 200,000
synthetic calls, side by side with a baseline that reads the same rows with one raw SQL
query and writes them with json.dumps.

    make bench-api                   # or: .venv/bin/python bench/api.py [--sizes 10k,50k]

For each size, on the catalogue of that size (bench/catalogue.py, made once and kept),
with production settings (bench/harness.py). Both endpoints are called through the
whole Django stack, in-process, in alternating rounds, so that they share the same
middleware and the same machine state. The baseline is a plain Django view in this
file, mounted at /bench/raw-calls/ for this run only: the same page (25 open calls, by
last deadline) with the same fields, without DRF, django-filter, the ETag or rate
limiting. Prints each size's figures, the ratio, and the machine's load average.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

API_URL = "/api/v1/calls/?status=open"
RAW_URL = "/bench/raw-calls/"
PAGE_SIZE = 25

# The page the API serves, in one statement: the call, its programme and fund, and its
# deadlines, objectives, themes and eligible participants as JSON arrays.
RAW_SQL = """
SELECT c.id, c.identifier, c.code, c.parent_identifier, c.title, c.summary, c.description,
       c.opens_at, c.type_of_action, c.budget, c.published_at, c.cancelled_at,
       c.cancellation_reason, c.updated_at, c.version, p.slug, f.code,
       (SELECT coalesce(json_agg(json_build_object('id', d.id, 'due_at', d.due_at,
                                                   'label', d.label) ORDER BY d.due_at), '[]')
          FROM calls_deadline d WHERE d.call_id = c.id),
       (SELECT coalesce(json_agg(o.text ORDER BY o.position), '[]')
          FROM calls_callobjective o WHERE o.call_id = c.id),
       (SELECT coalesce(json_agg(json_build_object('slug', t.slug, 'name', t.name)
                                 ORDER BY t.name), '[]')
          FROM programmes_theme t
          JOIN programmes_programme_themes pt ON pt.theme_id = t.id
         WHERE pt.programme_id = p.id),
       (SELECT coalesce(json_agg(json_build_object('slug', e.slug, 'name', e.name)
                                 ORDER BY e.name), '[]')
          FROM programmes_participanttype e
          JOIN programmes_programme_eligible_participants pe ON pe.participanttype_id = e.id
         WHERE pe.programme_id = p.id)
  FROM calls_call c
  JOIN programmes_programme p ON p.id = c.programme_id
  JOIN programmes_fund f ON f.id = p.fund_id
 WHERE c.published_at <= %(now)s AND c.opens_at <= %(now)s AND c.submission_ends_at > %(now)s
   AND (c.cancelled_at IS NULL OR c.cancelled_at > %(now)s)
 ORDER BY c.submission_ends_at, c.id
 LIMIT %(limit)s
"""


def raw_calls(request):
    """The baseline: one query, a dict per row, json.dumps."""
    from django.conf import settings
    from django.db import connection
    from django.http import HttpResponse
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"now": now, "limit": PAGE_SIZE + 1})
        rows = cursor.fetchall()
    results = [_raw_call(row, now, settings.SITE_URL) for row in rows[:PAGE_SIZE]]
    last = rows[PAGE_SIZE - 1] if len(rows) > PAGE_SIZE else None
    body = {
        "next": f"{RAW_URL}?after={last[0]}" if last else None,
        "previous": None,
        "results": results,
    }
    return HttpResponse(json.dumps(body), content_type="application/json")


def _raw_call(row, now, site_url: str) -> dict:
    (
        _,
        identifier,
        code,
        parent,
        title,
        summary,
        description,
        opens_at,
        action,
        budget,
        published_at,
        cancelled_at,
        reason,
        updated_at,
        version,
        programme,
        fund,
        deadlines,
        objectives,
        themes,
        eligible,
    ) = row
    upcoming = [d for d in deadlines if d["due_at"] > now.isoformat()]
    closes = (upcoming or deadlines or [{"due_at": None}])[0 if upcoming else -1]["due_at"]
    return {
        "identifier": identifier,
        "code": code,
        "parent_identifier": parent,
        "title": title,
        "summary": summary,
        "description": description,
        "objectives": objectives,
        "status": "open",  # what the WHERE clause selects
        "opens_at": opens_at.isoformat(),
        "closes_at": closes,
        "deadlines": deadlines,
        "programme": programme,
        "fund": fund,
        "type_of_action": action,
        "budget": None if budget is None else str(budget),
        "eligible": eligible,
        "themes": themes,
        "url": f"{site_url}/calls/{identifier}/",
        "published_at": published_at.isoformat() if published_at else None,
        "cancelled_at": cancelled_at.isoformat() if cancelled_at else None,
        "cancellation_reason": reason,
        "updated_at": updated_at.isoformat(),
        "version": version,
    }


urlpatterns: list = []  # this module is the URLconf of the run: the portal's, plus the baseline


def _mount_baseline() -> None:
    from django.conf import settings
    from django.urls import clear_url_caches, path

    from portal.urls import urlpatterns as portal_urlpatterns

    urlpatterns[:] = [path(RAW_URL.strip("/") + "/", raw_calls), *portal_urlpatterns]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()


def _requests_per_second(client, url: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return requests / (time.perf_counter() - started)


def measure(size: str, *, requests: int, rounds: int) -> dict:
    """Requests per second of the API and of the baseline on this process's database."""
    from calls.models import Call

    client = harness.client()
    api_page = [c["identifier"] for c in client.get(API_URL).json()["results"]]
    raw_page = [c["identifier"] for c in client.get(RAW_URL).json()["results"]]
    assert api_page == raw_page and len(api_page) == PAGE_SIZE, "not the same rows"
    per_round = max(1, requests // rounds)
    for url in (API_URL, RAW_URL):  # warm up
        _requests_per_second(client, url, 20)
    timings: dict[str, list[float]] = {API_URL: [], RAW_URL: []}
    for _ in range(rounds):
        for url in timings:
            timings[url].append(_requests_per_second(client, url, per_round))
    api_rps, raw_rps = (sum(timings[url]) / len(timings[url]) for url in (API_URL, RAW_URL))
    return {
        "size": size,
        "calls": Call.objects.count(),
        "open": Call.objects.public().open().count(),
        "requests": per_round * rounds,
        "api": api_rps,
        "raw": raw_rps,
        "machine": harness.machine(),
    }


def print_table(results: dict[str, dict]) -> None:
    print(f"\n{API_URL}, pages of {PAGE_SIZE}, in-process, alternating rounds")
    print(f"{'size':<6}{'calls':>9}{'open':>6}{'API req/s':>11}{'raw SQL req/s':>15}{'ratio':>7}")
    for size, result in results.items():
        print(
            f"{size:<6}{result['calls']:>9,}{result['open']:>6}{result['api']:>11.0f}"
            f"{result['raw']:>15.0f}{result['api'] / result['raw']:>7.0%}"
        )
    print("target: the API at least 60% of the raw-SQL baseline")
    for size, result in results.items():
        print(f"{size}: {result['requests']} requests to each; {result['machine']}")


def main() -> None:
    parser = harness.parser(__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    args = parser.parse_args()
    if args.one:
        # Rate limits stay on (their cost is part of the API's), but out of reach.
        os.environ.setdefault("API_THROTTLE_ANON", "1000000/s")
        harness.start(args.one, rebuild=args.rebuild)
        _mount_baseline()
        harness.report(measure(args.one, requests=args.requests, rounds=args.rounds))
        return
    options = ["--requests", str(args.requests), "--rounds", str(args.rounds)]
    print_table(harness.run_sizes(__file__, args.sizes, options + ["--rebuild"] * args.rebuild))


if __name__ == "__main__":
    main()
