"""Benchmark: requests per second of /api/v1/calls/?status=open on 10,000 to 200,000
synthetic calls, side by side with baselines that read the same rows with one raw SQL
query and write them with json.dumps.

    make bench-api                   # or: .venv/bin/python bench/api.py [--sizes 10k,50k]

For each size, on the catalogue of that size (bench/catalogue.py, made once and kept),
with production settings (bench/harness.py). The API and the baselines are called
through the whole Django stack, in-process, in alternating rounds, so that they share
the same middleware and the same machine state. A baseline is a plain Django view in
this file, mounted under /bench/ for this run only: the same page (25 open calls, by
last deadline), without DRF, django-filter, the ETag or rate limiting.

- `/bench/raw-calls/` writes every field the API writes (the run checks that the keys
  are the same), reading the call's own eligible participants and themes or its
  programme's as the call's flags say (calls/triggers.py). The target is measured
  against it.
- `/bench/raw-calls-23/` is the baseline as written on 22 November 2026, with the 23
  fields a call had then (the API has sent 46 since 30 November), kept so that the
  figures of before and after compare.

Prints each size's figures, the ratios, and the machine's load average.
"""

import json
import os
import sys
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402

API_URL = "/api/v1/calls/?status=open"
RAW_URL = "/bench/raw-calls/"
RAW_23_URL = "/bench/raw-calls-23/"
PAGE_SIZE = 25

# The open calls, by last deadline, as the API's `status=open` selects them.
_OPEN_PAGE = """
  FROM calls_call c
  JOIN programmes_programme p ON p.id = c.programme_id
  JOIN programmes_fund f ON f.id = p.fund_id
 WHERE c.published_at <= %(now)s AND c.opens_at <= %(now)s AND c.submission_ends_at > %(now)s
   AND (c.cancelled_at IS NULL OR c.cancelled_at > %(now)s)
 ORDER BY c.submission_ends_at, c.id
 LIMIT %(limit)s
"""
_DEADLINES = """(SELECT coalesce(json_agg(json_build_object('id', d.id, 'due_at', d.due_at,
                                                   'label', d.label) ORDER BY d.due_at), '[]')
          FROM calls_deadline d WHERE d.call_id = c.id)"""
_OBJECTIVES = """(SELECT coalesce(json_agg(o.text ORDER BY o.position), '[]')
          FROM calls_callobjective o WHERE o.call_id = c.id)"""


def _named(table: str, through: str, column: str, owner: str) -> str:
    """The named rows (slug, name) of `table` linked to `owner` through `through`."""
    return f"""(SELECT coalesce(json_agg(json_build_object('slug', t.slug, 'name', t.name)
                                 ORDER BY t.name), '[]')
          FROM {table} t JOIN {through} l ON l.{column} = t.id WHERE l.{owner})"""


_PROGRAMME_THEMES = _named(
    "programmes_theme", "programmes_programme_themes", "theme_id", "programme_id = p.id"
)
_PROGRAMME_ELIGIBLE = _named(
    "programmes_participanttype",
    "programmes_programme_eligible_participants",
    "participanttype_id",
    "programme_id = p.id",
)

# The page the API serves, every field, in one statement.
RAW_SQL = f"""
SELECT c.id, c.identifier, c.code, c.parent_identifier, c.title, c.summary, c.description,
       c.opens_at, c.type_of_action, c.budget, c.published_at, c.cancelled_at,
       c.cancellation_reason, c.updated_at, c.version, c.source, c.action_code,
       c.action_label, c.deadline_model, c.budget_is_shared, c.keywords::json,
       c.official_url, c.apply_url, c.description_html, c.national_note, c.ft_ccm2_id,
       c.ft_call_ccm2_id, c.ft_reference, c.ft_status, c.budget_by_year::json,
       c.expected_grants, c.min_contribution, c.max_contribution, c.ft_last_seen_at,
       c.ft_missing_since, c.eligible_countries, c.has_own_participant_types,
       c.has_own_themes, p.slug, f.code, {_DEADLINES}, {_OBJECTIVES},
       CASE WHEN c.has_own_participant_types THEN {
    _named(
        "programmes_participanttype",
        "calls_call_eligible_participants",
        "participanttype_id",
        "call_id = c.id",
    )
} ELSE {_PROGRAMME_ELIGIBLE} END,
       CASE WHEN c.has_own_themes THEN {
    _named("programmes_theme", "calls_call_themes", "theme_id", "call_id = c.id")
} ELSE {_PROGRAMME_THEMES} END
{_OPEN_PAGE}"""

# The baseline of 22 November 2026: 23 fields, the programme's lists only.
RAW_23_SQL = f"""
SELECT c.id, c.identifier, c.code, c.parent_identifier, c.title, c.summary, c.description,
       c.opens_at, c.type_of_action, c.budget, c.published_at, c.cancelled_at,
       c.cancellation_reason, c.updated_at, c.version, p.slug, f.code,
       {_DEADLINES}, {_OBJECTIVES}, {_PROGRAMME_THEMES}, {_PROGRAMME_ELIGIBLE}
{_OPEN_PAGE}"""


def _page(request, sql: str, write, url: str, *, scanner: bool):
    """A baseline: one query, a dict per row, json.dumps. With `scanner`, the driver
    decodes JSON with the standard library's C scanner alone, as the API does
    (foundation.json_lists.decoded), not through json.loads."""
    from django.conf import settings
    from django.db import connection
    from django.http import HttpResponse
    from django.utils import timezone
    from psycopg2.extras import register_json

    from foundation.json_lists import decoded

    now = timezone.now()
    with connection.cursor() as cursor:
        if scanner:
            register_json(cursor.cursor, loads=decoded)
        cursor.execute(sql, {"now": now, "limit": PAGE_SIZE + 1})
        rows = cursor.fetchall()
    zone = timezone.get_current_timezone()
    results = [write(row, now, zone, settings.SITE_URL) for row in rows[:PAGE_SIZE]]
    last = rows[PAGE_SIZE - 1] if len(rows) > PAGE_SIZE else None
    body = {
        "next": f"{url}?after={last[0]}" if last else None,
        "previous": None,
        "results": results,
    }
    return HttpResponse(json.dumps(body), content_type="application/json")


def raw_calls(request):
    return _page(request, RAW_SQL, _raw_call, RAW_URL, scanner=True)


def raw_calls_23(request):
    return _page(request, RAW_23_SQL, _raw_call_23, RAW_23_URL, scanner=False)


def _moment(moment: datetime | None, zone) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()


def _amount(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def _closes(deadlines: list[dict], now) -> str | None:
    upcoming = [d for d in deadlines if d["due_at"] > now.isoformat()]
    return (upcoming or deadlines or [{"due_at": None}])[0 if upcoming else -1]["due_at"]


def _raw_call(row, now, zone, site_url: str) -> dict:
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
        source,
        action_code,
        action_label,
        deadline_model,
        budget_is_shared,
        keywords,
        official_url,
        apply_url,
        description_html,
        national_note,
        ft_ccm2_id,
        ft_call_ccm2_id,
        ft_reference,
        ft_status,
        budget_by_year,
        expected_grants,
        min_contribution,
        max_contribution,
        ft_last_seen_at,
        ft_missing_since,
        countries,
        own_eligible,
        own_themes,
        programme,
        fund,
        deadlines,
        objectives,
        eligible,
        themes,
    ) = row
    return {
        "identifier": identifier,
        "code": code,
        "parent_identifier": parent,
        "title": title,
        "summary": summary,
        "description": description,
        "objectives": objectives,
        "status": "open",  # what the WHERE clause selects
        "opens_at": _moment(opens_at, zone),
        "closes_at": _closes(deadlines, now),
        "deadlines": deadlines,
        "programme": programme,
        "fund": fund,
        "type_of_action": action,
        "budget": _amount(budget),
        "eligible": eligible,
        "eligible_source": "call" if own_eligible else "programme",
        "eligible_countries": countries.split(",") if countries else [],
        "themes": themes,
        "themes_source": "call" if own_themes else "programme",
        "url": f"{site_url}/calls/{identifier}/",
        "published_at": _moment(published_at, zone),
        "cancelled_at": _moment(cancelled_at, zone),
        "cancellation_reason": reason,
        "updated_at": _moment(updated_at, zone),
        "version": version,
        "source": source,
        "action_code": action_code,
        "action_label": action_label,
        "deadline_model": deadline_model,
        "budget_is_shared": budget_is_shared,
        "keywords": keywords,
        "official_url": official_url,
        "apply_url": apply_url,
        "description_html": description_html,
        "national_note": national_note,
        "ft_ccm2_id": ft_ccm2_id,
        "ft_call_ccm2_id": ft_call_ccm2_id,
        "ft_reference": ft_reference,
        "ft_status": ft_status,
        "budget_by_year": {year: str(value) for year, value in budget_by_year.items()},
        "expected_grants": expected_grants,
        "min_contribution": _amount(min_contribution),
        "max_contribution": _amount(max_contribution),
        "ft_last_seen_at": _moment(ft_last_seen_at, zone),
        "ft_missing_since": _moment(ft_missing_since, zone),
    }


def _raw_call_23(row, now, zone, site_url: str) -> dict:
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
        "closes_at": _closes(deadlines, now),
        "deadlines": deadlines,
        "programme": programme,
        "fund": fund,
        "type_of_action": action,
        "budget": _amount(budget),
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

    urlpatterns[:] = [
        path(RAW_URL.strip("/") + "/", raw_calls),
        path(RAW_23_URL.strip("/") + "/", raw_calls_23),
        *portal_urlpatterns,
    ]
    settings.ROOT_URLCONF = __name__
    clear_url_caches()


def _requests_per_second(client, url: str, requests: int) -> float:
    started = time.perf_counter()
    for _ in range(requests):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return requests / (time.perf_counter() - started)


def measure(size: str, *, requests: int, rounds: int) -> dict:
    """Requests per second of the API and of the baselines on this process's database."""
    from calls.models import Call

    client = harness.client()
    pages = {url: client.get(url).json()["results"] for url in (API_URL, RAW_URL, RAW_23_URL)}
    identifiers = {url: [call["identifier"] for call in page] for url, page in pages.items()}
    assert len(identifiers[API_URL]) == PAGE_SIZE, "not a whole page"
    assert all(page == identifiers[API_URL] for page in identifiers.values()), "not the same rows"
    assert set(pages[RAW_URL][0]) == set(pages[API_URL][0]), "not the same fields"
    per_round = max(1, requests // rounds)
    for url in pages:  # warm up
        _requests_per_second(client, url, 20)
    timings: dict[str, list[float]] = {url: [] for url in pages}
    for _ in range(rounds):
        for url in timings:
            timings[url].append(_requests_per_second(client, url, per_round))
    api, raw, raw_23 = (sum(timings[url]) / len(timings[url]) for url in timings)
    return {
        "size": size,
        "calls": Call.objects.count(),
        "open": Call.objects.public().open().count(),
        "requests": per_round * rounds,
        "api": api,
        "raw": raw,
        "raw_23": raw_23,
        "machine": harness.machine(),
    }


def print_table(results: dict[str, dict]) -> None:
    print(f"\n{API_URL}, pages of {PAGE_SIZE}, in-process, alternating rounds; req/s")
    print(
        f"{'size':<6}{'calls':>9}{'open':>6}{'API':>7}{'raw SQL':>9}{'ratio':>7}"
        f"{'raw SQL, 23 fields':>20}{'ratio':>7}"
    )
    for size, result in results.items():
        api, raw, raw_23 = result["api"], result["raw"], result["raw_23"]
        print(
            f"{size:<6}{result['calls']:>9,}{result['open']:>6}{api:>7.0f}{raw:>9.0f}"
            f"{api / raw:>7.0%}{raw_23:>20.0f}{api / raw_23:>7.0%}"
        )
    print("target: the API at least 60% of the raw-SQL baseline (every field the API sends)")
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
