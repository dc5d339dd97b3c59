"""A real HTTP server in the test process that receives webhooks, for tests/api and
bench/webhooks.py: it records each request (headers and body) and answers with the
statuses it is told, in turn (then 204)."""

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class WebhookReceiver:
    def __init__(self):
        self.received: list[Received] = []
        self.answers: list[int] = []  # statuses to give first, in turn
        self.headers: dict[str, str] = {}  # extra headers of the answers (e.g. Location)
        self.delay = 0.0  # seconds to wait before answering
        self.on_request = None  # a function of the Received, run before answering
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                if receiver.on_request is not None:
                    receiver.on_request(request)
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver.lock:
                    receiver.received.append(request)
                    status = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def start(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def all(self) -> list[Received]:
        with self.lock:
            return list(self.received)
