"""Benchmark: the portal behind Varnish against the portal alone.

    make bench-cache                 # or: .venv/bin/python bench/cache.py [--seconds N]

Fills a PostgreSQL database of its own (CACHE_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/portal_cache_bench) with the demo data and 10,000
SYNTHETIC calls (bench/pages.py's generator), starts gunicorn (two sync workers,
production settings) and a Varnish with deploy/varnish/portal.vcl in front of it, each
on a free port, then loads the home page, /calls/ and a call page with wrk (anonymous
visitors, 8 connections) for N seconds each, straight to gunicorn and through Varnish.
Prints requests per second, latency and Varnish's hit ratio over each run (varnishstat),
with the machine's load average. Needs Debian's varnish and wrk (apt-get install varnish
wrk); everything it starts is stopped at the end.
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "CACHE_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_cache_bench"
)
os.environ["BENCH_DATABASE_URL"] = DATABASE_URL
SYNTHETIC_CALLS = 10_000
CONNECTIONS = 8

from bench import pages  # noqa: E402
from tests.alerts.celery_worker import free_port  # noqa: E402
from tests.varnish_server import VarnishServer, varnishd_missing  # noqa: E402


def _environment(static_root: str) -> dict:
    """Production settings (DEBUG off), plain HTTP on loopback."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://bench.example.org",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": DATABASE_URL,
        "STATIC_ROOT": static_root,
    }
    environment.pop("REDIS_URL", None)
    return environment


def _start_gunicorn(environment: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "portal.wsgi:application",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=environment, start_new_session=True)
    deadline = time.monotonic() + 60
    while (
        subprocess.run(
            ["curl", "-sf", "-o", "/dev/null", f"http://127.0.0.1:{port}/robots.txt"], check=False
        ).returncode
        != 0
    ):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit("gunicorn did not start")
        time.sleep(0.5)
    return process, port


def _wrk(url: str, seconds: int) -> tuple[float, str]:
    """Requests per second and the median latency, as wrk reports them."""
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"{url} answered errors:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = re.search(r"50%\s+(\S+)", output).group(1)
    return rate, latency


def _hit_ratio(before: dict, after: dict) -> tuple[float, int]:
    hits = after["cache_hit"] - before["cache_hit"]
    asked = hits + sum(after[name] - before[name] for name in ("cache_miss", "s_pass"))
    return (hits / asked if asked else 0.0), asked - hits


def _pages() -> list[tuple[str, str]]:
    from django.utils import timezone

    from calls.models import Call

    now = timezone.now()
    call = Call.objects.public(at=now).open(at=now).filter(identifier__startswith="SYNTH")
    return [
        ("home", "/"),
        ("/calls/", "/calls/"),
        ("a call page", call.order_by("pk").first().get_absolute_url()),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15, help="length of each wrk run")
    arguments = parser.parse_args()
    if missing := varnishd_missing() or (None if shutil.which("wrk") else "wrk is missing"):
        raise SystemExit(missing + " (apt-get install varnish wrk)")
    pages.SYNTHETIC_CALLS = SYNTHETIC_CALLS
    pages._setup_django()
    pages._fill(rebuild=False)
    addresses = _pages()
    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    environment = _environment(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    gunicorn, port = _start_gunicorn(environment)
    varnish = VarnishServer(port)
    try:
        varnish.start()
        _report(addresses, port, varnish, arguments.seconds)
    finally:
        varnish.stop()
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)


def _report(addresses, port: int, varnish: VarnishServer, seconds: int) -> None:
    print(
        f"{os.cpu_count()} cores, load average before: {_load()}; wrk, {CONNECTIONS} "
        f"connections, {seconds} s a run, {SYNTHETIC_CALLS:,} synthetic calls"
    )
    print(
        "| page | gunicorn alone, req/s (median latency) | through Varnish, req/s (median "
        "latency) | hit ratio (misses) |"
    )
    print("| --- | --- | --- | --- |")
    for name, address in addresses:
        alone = _wrk(f"http://127.0.0.1:{port}{address}", seconds)
        before = varnish.counters()
        cached = _wrk(f"{varnish.url}{address}", seconds)
        ratio, misses = _hit_ratio(before, varnish.counters())
        print(
            f"| {name} | {alone[0]:,.0f} ({alone[1]}) | {cached[0]:,.0f} ({cached[1]}) "
            f"| {ratio:.4%} ({misses}) |"
        )
    print(f"load average after: {_load()}")


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
