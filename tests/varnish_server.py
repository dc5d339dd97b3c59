"""A Varnish of the test's (or the benchmark's) own in front of a given backend: the
repository's deploy/varnish/portal.vcl with the backend's port put in, its own port and
working directory, started in the foreground and stopped at the end. Never a shared one.
Needs Debian's varnish (`varnishd`, `varnishstat`; `.ci/run` installs it)."""

import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.alerts.celery_worker import free_port

VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "portal.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"


class VarnishServer:
    def __init__(self, backend_port: int, memory: str = "64m"):
        self.backend_port = backend_port
        self.memory = memory
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="portal-varnish-"))
        # varnishd's compiler and child run as an unprivileged user when started as root.
        self.directory.chmod(0o755)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start and wait until the port answers; RuntimeError with varnishd's words if not."""
        vcl = self.directory / "portal.vcl"
        backend = f'.port = "{self.backend_port}";'
        vcl.write_text(re.sub(r'\.port = "\d+";', backend, VCL.read_text(), count=1))
        command = [
            VARNISHD,
            "-F",
            "-n",
            str(self.directory / "work"),
            "-f",
            str(vcl),
            "-a",
            f"127.0.0.1:{self.port}",
            "-s",
            f"malloc,{self.memory}",
        ]
        log = (self.directory / "varnishd.log").open("w")
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 30
        while not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                log = self._log()
                self.stop()
                raise RuntimeError("varnishd did not start: " + log)
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
            return True
        except OSError:
            return False

    def _log(self) -> str:
        path = self.directory / "varnishd.log"
        return path.read_text() if path.exists() else ""

    def counters(self) -> dict[str, int]:
        """MAIN.* counters from varnishstat (cache_hit, cache_miss, backend_req ...)."""
        output = subprocess.run(
            [
                shutil.which("varnishstat") or "/usr/bin/varnishstat",
                "-n",
                str(self.directory / "work"),
                "-j",
                "-f",
                "MAIN.*",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        data = json.loads(output)
        counters = data.get("counters", data)
        return {
            name.removeprefix("MAIN."): entry["value"]
            for name, entry in counters.items()
            if isinstance(entry, dict) and "value" in entry
        }

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.directory, ignore_errors=True)


def varnishd_missing() -> str | None:
    """Why the cache tests cannot run here, or None."""
    if not Path(VARNISHD).is_file():
        return (
            f"The HTTP cache tests need Varnish, but {VARNISHD} is missing. "
            "Install Debian's package (apt-get install varnish); .ci/run does."
        )
    return None
