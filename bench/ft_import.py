"""Benchmark: `import_ft` of 10,000 F&T topics, a first import and a second, unchanged one,
with peak memory.

    make bench-ft                    # or: .venv/bin/python bench/ft_import.py [--topics N]

The topics are made from the real sample records (tests/calls/ft_samples/): the first
sample topic with an AMIF identifier, a budgetOverview line, two cut-offs and the HTML
description of a cascade sample, 50 topics to a call. An HTTP server in this process
answers the search API's paged requests (100 a page, made before the clock starts), so
that the import reads pages as it would from the API. Its own PostgreSQL database,
FT_BENCH_DATABASE_URL (default portal_ft_bench), is migrated and emptied of imported
topics first. Targets on the 2-core development machine: first import under 60 s, the
unchanged one under 15 s, peak memory (the whole process) under 300 MB.
"""

import argparse
import copy
import json
import os
import resource
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import create_database  # noqa: E402

DATABASE_URL = os.environ.get(
    "FT_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_ft_bench"
)
SAMPLES = ROOT / "tests" / "calls" / "ft_samples"
AMIF = "43251447"


def topic(number: int, template: dict, description: str) -> dict:
    """The number-th synthetic topic, made from a real sample record."""
    record = copy.deepcopy(template)
    identifier = f"AMIF-2026-TF2-AG-BENCH{number // 50:03d}-{number % 50:02d}"
    call = identifier.rsplit("-", 1)[0]
    line = {
        "action": f"{identifier} - AMIF-PJG AMIF Project Grants",
        "budgetYearMap": {"2026": str(1_000_000 + number), "2027": "500000"},
        "expectedGrants": 1 + number % 5,
        "minContribution": 100000,
        "maxContribution": 900000,
    }
    meta = record["metadata"] | {
        "identifier": [identifier],
        "callIdentifier": [call],
        "callTitle": [f"Synthetic benchmark call {call}"],
        "frameworkProgramme": [AMIF],
        "ccm2Id": [str(60_000_000 + number)],
        "deadlineModel": ["multiple cut-off"],
        "deadlineDate": ["2026-09-15T00:00:00.000+0000", "2027-01-14T00:00:00.000+0000"],
        "budgetOverview": [json.dumps({"budgetTopicActionMap": {str(number): [line]}})],
        "keywords": ["Integration", "Synthetic"],
        "descriptionByte": [description],
    }
    record.update(reference=f"{60_000_000 + number}TOPICSen", metadata=meta)
    return record


class PagedSearchApi:
    """The search API's answers for `count` topics, 100 a page."""

    def __init__(self, count: int):
        search = json.loads((SAMPLES / "fundhunt_sedia_search.json").read_text())
        cascade = json.loads((SAMPLES / "fundhunt_sedia_cascade.json").read_text())
        template = search["results"][0]
        description = cascade["results"][0]["metadata"]["description"][0]

        # The answers are made before the clock starts: the benchmark times the import.
        size = 100
        answers = [
            json.dumps(
                {
                    "totalResults": count,
                    "pageNumber": number + 1,
                    "results": [
                        topic(n, template, description)
                        for n in range(number * size, min(number * size + size, count))
                    ],
                }
            ).encode()
            for number in range((count + size - 1) // size)
        ]

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                params = parse_qs(urlsplit(self.path).query)
                assert int(params["pageSize"][0]) == size
                body = answers[int(params["pageNumber"][0]) - 1]
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/search-api/prod/rest/search"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    create_database(DATABASE_URL)
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _empty() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE calls_call, calls_historicalcall, calls_deadline, calls_historicaldeadline,"
            " calls_callchange, calls_parentcall, calls_importrun CASCADE"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topics", type=int, default=10_000)
    count = parser.parse_args().topics
    _setup_django()
    _empty()
    from calls.ft.sync import import_ft

    api = PagedSearchApi(count)
    results = []
    for name, limit in (("first import", 60), ("unchanged re-import", 15)):
        started = time.perf_counter()
        run = import_ft(api.url)
        seconds = time.perf_counter() - started
        counts = f"created {run.created}, updated {run.updated}, unchanged {run.unchanged}"
        results.append((name, seconds, limit))
        rate = count / seconds
        print(f"{name}: {count:,} topics in {seconds:.1f} s, {rate:,.0f} topics/s ({counts})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MB")
    missed = [name for name, seconds, limit in results if seconds > limit] + (
        ["memory"] if peak > 300 else []
    )
    print("targets met" if not missed else f"targets missed: {', '.join(missed)}")
    api.server.shutdown()
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
