"""Benchmark: one change to a call fanned out to 200 webhook endpoints on loopback, through
a real Celery worker.

    make bench-webhooks              # or: .venv/bin/python bench/webhooks.py [--endpoints N]

Needs PostgreSQL and Redis. Uses a database of its own (BENCH_WEBHOOKS_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/portal_bench_webhooks), created and migrated if
missing, and a Redis queue of its own (REDIS_URL, default redis://127.0.0.1:6379/0; queue
bench-webhooks-<random>, deleted afterwards).

Each run starts clean: one SYNTHETIC published call (fund SYNTH) and N endpoints, all on
one HTTP receiver in this process (http://127.0.0.1:<port>/endpoint/NNN; production
settings otherwise, DEBUG off, with WEBHOOKS_ALLOW_LOOPBACK=true). ONE worker runs, `celery
-A portal worker --pool=prefork --concurrency=2`. The bench process changes the call's
title through calls/services.py (`call_update`): one `call.changed` event, N deliveries,
queued when the transaction commits.

Measured: the change's time (event and delivery rows written in its transaction);
deliveries per second and the time from the change to the last delivery. Every request's
signature is checked with `standardwebhooks`. Targets: at least 25 deliveries per second
and the last delivery within 10 s of the change, on this 2-core machine shared with other
work (a delivery is a transaction with a disk flush and an HTTP round trip).
Exits non-zero if an endpoint received nothing, a signature does not verify, or the target
is missed.
"""

import argparse
import os
import secrets
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import create_database  # noqa: E402
from bench.reminders import _delete_queue, _wait_for_delivery, synthetic_call  # noqa: E402
from tests.alerts.celery_worker import CeleryWorker  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_WEBHOOKS_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/portal_bench_webhooks",
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
TARGET_PER_SECOND = 25
TARGET_SECONDS = 10


class CountingReceiver:
    """An HTTP server in a thread of this process that answers 204 to every POST and keeps
    each request's path, headers, body and arrival time (checked after the run)."""

    def __init__(self):
        self.requests: list[tuple[str, dict, bytes]] = []
        self.first = self.last = 0.0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                now = time.perf_counter()
                with receiver.lock:
                    receiver.first = receiver.first or now
                    receiver.last = now
                    receiver.requests.append((self.path, dict(self.headers), body))

            def log_message(self, *args):
                pass

        return Handler

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/endpoint/{number:03d}"

    def count(self) -> int:
        with self.lock:
            return len(self.requests)


def _environment(queue: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "portal.settings"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "bench.example.org",
        "SITE_URL": "https://bench.example.org",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": "smtp://127.0.0.1:1",  # never used: no endpoint fails
        "WEBHOOKS_ALLOW_LOOPBACK": "true",
    }


def _setup_django(env: dict) -> None:
    os.environ.update(env)
    create_database(DATABASE_URL)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _fill(receiver: CountingReceiver, endpoints: int):
    """Start clean: one synthetic published call, `endpoints` endpoints wanting every event."""
    from django.db import connection, transaction

    from api.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent

    with transaction.atomic():
        tables = (WebhookDelivery, WebhookEvent, WebhookEndpoint)
        names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names}")
        call = synthetic_call("webhooks", code=19_010_000, closes_in=timedelta(days=20))
        WebhookEndpoint.objects.bulk_create(
            WebhookEndpoint(
                url=receiver.url(n),
                events=EventType.values,
                owner_email=f"bench-{n:03d}@example.org",
            )
            for n in range(endpoints)
        )
    return call


def _change(call) -> float:
    """The call's title changed through the services; seconds the transaction took."""
    from django.urls import reverse

    from calls import services

    reverse("home")  # load the URLs first, as a web process has (0.6 s here otherwise)

    started = time.perf_counter()
    services.call_update(
        call=call,
        user=None,
        expected_version=call.version,
        fields={"title": "Synthetic webhooks benchmark call (changed)"},
        deadlines=[services.DeadlineInput(d.due_at, d.label, d.pk) for d in call.deadlines.all()],
    )
    return time.perf_counter() - started


def _problems(receiver: CountingReceiver, endpoints: int) -> list[str]:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    from api.webhooks.models import WebhookDelivery, WebhookEndpoint

    secrets_by_path = {e.url.split("/", 3)[3]: e.secret for e in WebhookEndpoint.objects.all()}
    paths = Counter()
    bad = 0
    for path, headers, body in receiver.requests:
        paths[path.lstrip("/")] += 1
        try:
            Webhook(secrets_by_path[path.lstrip("/")]).verify(body, headers)
        except (KeyError, WebhookVerificationError):
            bad += 1
    missing = endpoints - len(paths)
    twice = sum(1 for count in paths.values() if count > 1)
    states = Counter(WebhookDelivery.objects.values_list("state", flat=True))
    problems = [f"{missing} endpoints received nothing"] if missing else []
    problems += [f"{bad} signatures did not verify"] if bad else []
    problems += [f"{twice} endpoints received the event more than once"] if twice else []
    if states.get(WebhookDelivery.State.DELIVERED, 0) != endpoints:
        problems.append(f"deliveries by state: {dict(states)}")
    return problems


def _report(endpoints: int, change_seconds: float, started: float, receiver) -> bool:
    received = receiver.count()
    total = receiver.last - started if received else float("inf")
    rate = received / total if received else 0.0
    print(f"{endpoints} endpoints, {received} deliveries received")
    print(f"{'the change (event + delivery rows)':<40}{change_seconds * 1000:>10.1f} ms")
    print(f"{'time to the first delivery':<40}{receiver.first - started:>10.2f} s")
    print(f"{'time to the last delivery':<40}{total:>10.2f} s   target <= {TARGET_SECONDS}")
    print(f"{'deliveries/s':<40}{rate:>10.1f}   target >= {TARGET_PER_SECOND}")
    passed = rate >= TARGET_PER_SECOND and total <= TARGET_SECONDS
    print(f"{'speed':<40}{'PASS' if passed else 'FAIL':>10}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=200)
    parser.add_argument("--stall", type=float, default=30, help="seconds without a delivery")
    args = parser.parse_args()
    queue = f"bench-webhooks-{uuid.uuid4().hex}"
    receiver = CountingReceiver()
    workdir = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    try:
        _setup_django(_environment(queue))
        call = _fill(receiver, args.endpoints)
        worker = CeleryWorker(dict(os.environ), 2, workdir / "worker.log")
        try:
            worker.wait_until_ready()
            started = time.perf_counter()
            change_seconds = _change(call)
            _wait_for_delivery(receiver, args.endpoints, args.stall)
        finally:
            worker.stop()
        on_target = _report(args.endpoints, change_seconds, started, receiver)
        problems = _problems(receiver, args.endpoints)
        for problem in problems:
            print(f"PROBLEM: {problem}")
        if problems:
            print(f"Worker log: {workdir / 'worker.log'}")
    finally:
        receiver.server.shutdown()
        _delete_queue(queue)
    sys.exit(0 if on_target and not problems else 1)


if __name__ == "__main__":
    main()
