"""A real Celery worker in a subprocess, for tests/alerts/test_worker.py and
bench/reminders.py: `celery -A portal worker` with `concurrency` pool processes, in a
process group of its own so that it can be killed whole and nothing outlives its user."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLAIM_SECONDS = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CeleryWorker:
    def __init__(self, env: dict, concurrency: int, log: Path):
        self.log = log
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{uuid.uuid4().hex[:8]}@%h",
        ]
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The worker did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def peak_memory_mb(self) -> dict[str, float]:
        """VmHWM (peak resident memory) of the main process and of each pool process."""
        peaks = {f"main {self.process.pid}": _vm_hwm_mb(self.process.pid)}
        for pid in _children(self.process.pid):
            peaks[f"pool {pid}"] = _vm_hwm_mb(pid)
        return peaks

    def cpu_seconds(self) -> float:
        """CPU time (user and system) used so far by the worker: its main process, the
        pool processes it has reaped and those running."""
        total = _cpu_seconds(self.process.pid, reaped_children=True)
        return total + sum(_cpu_seconds(pid) for pid in _children(self.process.pid))

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes at once: no cleanup, no goodbye."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown (SIGTERM); SIGKILL to the whole group if it takes too long."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def worker_environment(redis_url: str, queue: str, email_url: str) -> dict:
    """What a worker process needs: the test's database (PostgreSQL), the broker and its
    queue, and the SMTP server to send through."""
    from django.db import connection

    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD'] or ''}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": email_url,
        "DEBUG": "true",
        # The claims of a killed worker lapse within a test's patience.
        "ALERTS_CLAIM_SECONDS": str(CLAIM_SECONDS),
    }


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(child) for child in (task / "children").read_text().split()]
    return children


def _cpu_seconds(pid: int, *, reaped_children: bool = False) -> float:
    """utime and stime of `pid` from /proc/<pid>/stat (fields 14 and 15), with cutime and
    cstime (16 and 17, its children waited for) if `reaped_children`."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = sum(int(value) for value in fields[11 : 15 if reaped_children else 13])
    return ticks / os.sysconf("SC_CLK_TCK")


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"No VmHWM for process {pid}")
