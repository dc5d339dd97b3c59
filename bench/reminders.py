"""Benchmark: reminders of one call to 20,000 subscribers, through a real Celery worker
and a real SMTP server.

    make bench-reminders             # or: .venv/bin/python bench/reminders.py [--subscribers N]

Needs PostgreSQL and Redis. Uses a database of its own (BENCH_REMINDERS_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/portal_bench_reminders), created and
migrated if missing, and a Redis queue of its own (REDIS_URL, default
redis://127.0.0.1:6379/0; queue bench-reminders-<random>, deleted afterwards).

Each run starts clean: one SYNTHETIC call (fund SYNTH, "Synthetic reminders benchmark
call") with a deadline two days ahead, and N confirmed subscribers of it
(bench-subscriber-NNNNN@example.org). The bench process starts an SMTP server (aiosmtpd)
and ONE worker, `celery -A portal worker --pool=prefork --concurrency=2` (two worker
processes), with production settings (DEBUG off), then runs the sweep and queues what it
marked as beat's task does (sweep_and_queue), which creates the rows and queues the
delivery tasks (25 reminders each) on Redis.

Measured: the sweep's time (rows created and tasks queued); e-mails per second from the
sweep's start to the last message received, and from the first message to the last; and
the peak memory (VmHWM in /proc/<pid>/status) of the worker's main process and of each
pool process, read just before the worker is stopped; and the worker's CPU time per
e-mail: the user and system time (/proc/<pid>/stat) of the worker's main process and its
pool processes from the sweep's start to the last message, divided by the e-mails sent.

Runs five times (--runs), each from a clean start, and reports the median. Targets: at
least 300 e-mails per second (median), at most 3 ms of worker CPU per e-mail (median),
under 250 MB per worker process. Exits non-zero if an e-mail was lost or sent twice, or a
target is missed.
"""

import argparse
import logging
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pages import create_database  # noqa: E402
from tests.alerts.celery_worker import CeleryWorker, free_port  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_REMINDERS_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/portal_bench_reminders",
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
TARGET_PER_SECOND = 300
TARGET_CPU_MS = 3.0
TARGET_MB = 250
EMAIL = "bench-subscriber-{:05d}@example.org"
BATCH = 5_000


class CountingSmtpServer:
    """An SMTP server (aiosmtpd, in a thread of this process) that accepts everything
    and keeps only each message's recipients and arrival time: parsing 20,000 messages
    here would compete with the worker for the CPU."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.recipients: Counter = Counter()
        self.first = self.last = 0.0
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        now = time.perf_counter()
        with self.lock:
            self.first = self.first or now
            self.last = now
            self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def reset(self) -> None:
        with self.lock:
            self.recipients.clear()
            self.first = self.last = 0.0

    def count(self) -> int:
        with self.lock:
            return self.recipients.total()

    @property
    def url(self) -> str:
        return f"smtp://{self.controller.hostname}:{self.controller.port}"


def _environment(smtp_url: str, queue: str) -> dict:
    """Production settings (DEBUG off) for this process and the worker alike."""
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
        "EMAIL_URL": smtp_url,
    }


def _setup_django(env: dict) -> None:
    os.environ.update(env)
    create_database(DATABASE_URL)
    import django
    from django.core.management import call_command

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: a line per command
    call_command("migrate", verbosity=0)


def synthetic_call(bench: str, *, code: int, closes_in: timedelta):
    """A fresh published, open SYNTHETIC call of the programme of benchmark `bench`."""
    from django.utils import timezone

    from calls.models import Call, Deadline
    from programmes.models import Fund, Programme

    now = timezone.now()
    fund, _ = Fund.objects.get_or_create(
        code="SYNTH", defaults={"name": "Synthetic benchmark fund", "call_prefix": "SYNTH"}
    )
    programme, _ = Programme.objects.get_or_create(
        slug=f"synthetic-{bench}-benchmark",
        defaults={"fund": fund, "title": f"Synthetic {bench} benchmark programme"},
    )
    Call.objects.filter(programme=programme).delete()
    call = Call.objects.create(
        code=code,
        identifier=f"SYNTH-2026-AG-{code - 18_100_000}",
        programme=programme,
        title=f"Synthetic {bench} benchmark call",
        type_of_action="AG",
        opens_at=now - timedelta(days=30),
        published_at=now - timedelta(days=31),
    )
    Deadline.objects.create(call=call, due_at=now + closes_in)
    return call


def _fill(subscribers: int) -> None:
    """Start clean: one synthetic call closing in two days, `subscribers` confirmed followers."""
    from django.db import connection, transaction
    from django.utils import timezone

    from alerts.models import Notification, Subscriber, Subscription

    now = timezone.now()
    with transaction.atomic():
        # TRUNCATE, not DELETE: the dead rows of earlier runs would slow this one down
        # wherever autovacuum is off or behind.
        tables = (Notification, Subscription, Subscriber)
        names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {names}")
        call = synthetic_call("reminders", code=19_000_000, closes_in=timedelta(days=2))
        for first in range(0, subscribers, BATCH):
            numbers = range(first, min(first + BATCH, subscribers))
            rows = Subscriber.objects.bulk_create(
                Subscriber(email=EMAIL.format(n)) for n in numbers
            )
            Subscription.objects.bulk_create(
                Subscription(subscriber=s, call=call, confirmed_at=now - timedelta(days=1))
                for s in rows
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _wait_for_delivery(smtp: CountingSmtpServer, expected: int, stall: float) -> None:
    """Until `expected` messages are in, or none came for `stall` seconds."""
    seen, since = 0, time.monotonic()
    while (count := smtp.count()) < expected:
        if count != seen:
            seen, since = count, time.monotonic()
        elif time.monotonic() - since > stall:
            print(f"No message for {stall:.0f} s: stopped waiting at {count} of {expected}")
            return
        time.sleep(0.2)
    time.sleep(1)  # anything sent twice would arrive now


def _problems(smtp: CountingSmtpServer, subscribers: int) -> list[str]:
    """Each subscriber received one message, and each row says sent."""
    from alerts.models import Notification

    expected = {EMAIL.format(n) for n in range(subscribers)}
    received = smtp.recipients
    lost = expected - set(received)
    twice = [address for address, times in received.items() if times > 1]
    strangers = set(received) - expected
    states = Counter(Notification.objects.values_list("state", flat=True))
    problems = [f"{len(lost)} subscribers received nothing"] if lost else []
    problems += [f"{len(twice)} subscribers received more than one e-mail"] if twice else []
    problems += [f"{len(strangers)} unexpected recipients"] if strangers else []
    if states.get(Notification.State.SENT, 0) != subscribers:
        problems.append(f"rows by state: {dict(states)}")
    return problems


@dataclass
class Run:
    received: int
    sweep_seconds: float
    per_second: float
    steady_per_second: float
    cpu_ms: float
    peaks: dict[str, float]
    problems: list[str]


def _run(smtp: CountingSmtpServer, subscribers: int, workdir: Path, stall: float) -> Run:
    """One clean run: fill, start a worker, sweep, wait for every e-mail, stop the worker."""
    from django.utils import timezone

    from alerts.tasks import sweep_and_queue

    _fill(subscribers)
    smtp.reset()
    worker = CeleryWorker(dict(os.environ), 2, workdir / "worker.log")
    try:
        worker.wait_until_ready()
        cpu_before = worker.cpu_seconds()
        started = time.perf_counter()
        report = sweep_and_queue(at=timezone.now())
        sweep_seconds = time.perf_counter() - started
        print(f"Sweep: {report.created} rows created, {len(report.queued)} reminders queued")
        _wait_for_delivery(smtp, subscribers, stall)
        cpu = worker.cpu_seconds() - cpu_before
        peaks = worker.peak_memory_mb()
    finally:
        worker.stop()
    received = smtp.count()
    return Run(
        received=received,
        sweep_seconds=sweep_seconds,
        per_second=received / (smtp.last - started) if received else 0.0,
        steady_per_second=(received - 1) / (smtp.last - smtp.first) if received > 1 else 0.0,
        cpu_ms=1000 * cpu / received if received else 0.0,
        peaks=peaks,
        problems=_problems(smtp, subscribers),
    )


def _print_run(number: int, run: Run) -> None:
    print(
        f"run {number}: {run.received} e-mails, {run.per_second:.1f}/s from the sweep's start, "
        f"{run.steady_per_second:.1f}/s from the first, worker CPU {run.cpu_ms:.2f} ms an "
        f"e-mail, sweep {run.sweep_seconds:.2f} s, peak {max(run.peaks.values()):.0f} MB"
    )
    for problem in run.problems:
        print(f"LOST OR DUPLICATED: {problem}")


def _report(subscribers: int, runs: list[Run]) -> bool:
    """The medians of the runs against the targets; True if all are met and nothing was
    lost or sent twice in any run."""
    per_second = statistics.median(run.per_second for run in runs)
    cpu_ms = statistics.median(run.cpu_ms for run in runs)
    peak = max(max(run.peaks.values()) for run in runs)
    fast, frugal, small = per_second >= TARGET_PER_SECOND, cpu_ms <= TARGET_CPU_MS, peak < TARGET_MB
    exact = not any(run.problems for run in runs)
    low, high = min(r.per_second for r in runs), max(r.per_second for r in runs)
    print(
        f"{subscribers} subscribers, {len(runs)} runs, load average {_load()}, "
        f"{os.cpu_count()} cores"
    )
    print(
        f"{'e-mails/s, sweep start to last (median)':<44}{per_second:>10.1f}   "
        f"({low:.1f} to {high:.1f})   target >= {TARGET_PER_SECOND}"
    )
    print(
        f"{'e-mails/s, first to last (median)':<44}"
        f"{statistics.median(r.steady_per_second for r in runs):>10.1f}"
    )
    print(f"{'worker CPU per e-mail (median)':<44}{cpu_ms:>10.2f} ms   target <= {TARGET_CPU_MS}")
    print(f"{'sweep (median)':<44}{statistics.median(r.sweep_seconds for r in runs):>10.2f} s")
    print(f"{'peak memory of a worker process (max)':<44}{peak:>10.1f} MB   target < {TARGET_MB}")
    verdicts = {"speed": fast, "CPU": frugal, "memory": small, "exactly once": exact}
    for name, passed in verdicts.items():
        print(f"{name:<44}{'PASS' if passed else 'FAIL':>10}")
    return all(verdicts.values())


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _delete_queue(queue: str) -> None:
    """The queue and its priority lists (kombu names them after it)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete(queue, *client.keys(f"{queue}*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=20_000, help="followers of the call")
    parser.add_argument("--runs", type=int, default=5, help="runs, each from a clean start")
    parser.add_argument(
        "--stall", type=float, default=60, help="seconds without a message before giving up"
    )
    args = parser.parse_args()
    queue = f"bench-reminders-{uuid.uuid4().hex}"
    smtp = CountingSmtpServer()
    smtp.controller.start()
    runs = []
    try:
        _setup_django(_environment(smtp.url, queue))
        workdir = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
        for number in range(1, args.runs + 1):
            runs.append(_run(smtp, args.subscribers, workdir, args.stall))
            _print_run(number, runs[-1])
    finally:
        smtp.controller.stop()
        _delete_queue(queue)
    passed = _report(args.subscribers, runs)
    if not passed:
        print(f"Worker log of the last run: {workdir / 'worker.log'}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
