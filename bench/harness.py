"""What the page and API benchmarks share: one process per catalogue size, production
settings, and the machine's load.

A benchmark script runs itself once per size (`run_sizes`), each child connecting to the
catalogue of its size (bench/catalogue.py) and printing its figures as one JSON line;
the parent collects them and prints the growth table.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT = "RESULT "


def production_environment() -> None:
    """The settings of production (DEBUG off, so the cached template loader, the manifest
    of static files, the security middleware) with what a benchmark needs instead of
    secrets. Django's own defaults otherwise, as portal/settings.py reads them."""
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-" + "k3y-of-the-benchmark-only-" * 3)
    os.environ.setdefault("ALLOWED_HOSTS", "portal.example")
    os.environ.setdefault("SITE_URL", "https://portal.example")
    os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:2525")
    os.environ.setdefault("STATIC_ROOT", str(ROOT / "staticfiles"))


def create_database(url: str) -> None:
    """Create the PostgreSQL database of `url` unless it exists (the other benchmarks'
    own databases)."""
    import psycopg2
    from psycopg2 import sql

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def collect_static() -> None:
    """The manifest of hashed static names that production pages read (collectstatic)."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def client():
    """A test client that asks as a browser behind the TLS proxy would."""
    from django.test import Client

    return Client(HTTP_HOST="portal.example", HTTP_X_FORWARDED_PROTO="https")


def machine() -> str:
    one, five, fifteen = os.getloadavg()
    return (
        f"load average {one:.2f} {five:.2f} {fifteen:.2f}, {os.cpu_count()} cores, "
        f"{cpu_model()}, reference loop {reference_speed():.1f} M/s"
    )


def cpu_model() -> str:
    """The processor's name, as Linux tells it."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "processor unknown"


@cache
def reference_speed() -> float:
    """Millions of turns a second of a fixed pure-Python loop, the best of five: how fast
    one core of this machine runs Python, so that the figures of two machines (the
    sessions' machines differ) can be compared. Measured once per process."""
    turns = 2_000_000
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for turn in range(turns):
            total += turn
        best = min(best, time.perf_counter() - started)
    return turns / best / 1e6


def parser(description: str) -> argparse.ArgumentParser:
    """The options every size-by-size benchmark takes."""
    from bench.catalogue import SIZES, parse_sizes

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=parse_sizes, default=list(SIZES), help="e.g. 10k,50k")
    parser.add_argument("--rebuild", action="store_true", help="make the catalogues again")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a child: one size
    return parser


def start(size: str, *, rebuild: bool) -> None:
    """Set up a child process: production settings on the catalogue of `size`."""
    from bench.catalogue import ensure

    production_environment()
    ensure(size, rebuild=rebuild)
    collect_static()


def report(result: dict) -> None:
    """Hand a child's figures to the parent."""
    print(RESULT + json.dumps(result), flush=True)


def run_sizes(script: str, sizes: list[str], arguments: list[str]) -> dict[str, dict]:
    """Run `script --one SIZE *arguments` for each size; its figures by size."""
    results = {}
    for size in sizes:
        command = [sys.executable, script, "--one", size, *arguments]
        process = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
        for line in process.stdout.splitlines():
            if line.startswith(RESULT):
                results[size] = json.loads(line[len(RESULT) :])
            else:
                print(line)
    return results
