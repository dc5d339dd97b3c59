"""Fixtures of the alerts tests: an SMTP server in the test process, calls and followers."""

import email
import email.policy
import threading
from datetime import UTC, date, datetime

import pytest
from aiosmtpd.controller import Controller

from alerts.models import Subscriber, Subscription
from foundation.brussels import deadline_on
from tests.alerts.celery_worker import free_port
from tests.factories import CallFactory

# The moment most tests start from: the factory's call (deadline 30 June 2025, 17:00
# Brussels) is open, and no reminder is due yet.
BEFORE_REMINDERS = datetime(2025, 6, 10, 8, 0, tzinfo=UTC)


class RecordingSmtpServer:
    """A real SMTP server (aiosmtpd) that keeps every message it accepts.

    `answer` (e.g. "451 4.3.0 Try again later") makes it refuse messages instead;
    `on_data`, an async function of the server, runs before a message is accepted and
    may return an answer of its own.
    """

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.answer: str | None = None
        self.on_data = None
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        if self.on_data is not None and (answer := await self.on_data(self, envelope)):
            return answer
        if self.answer:
            return self.answer
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://{self.controller.hostname}:{self.controller.port}"

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def to(self, address: str) -> list:
        with self.lock:
            return [message for message in self.messages if message["To"] == address]


@pytest.fixture
def smtp_server():
    server = RecordingSmtpServer()
    server.controller.start()
    yield server
    server.controller.stop()


@pytest.fixture
def mail_via_smtp(settings, smtp_server):
    """Django sends through the recording SMTP server instead of the test outbox."""
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.controller.port, "timeout": 10},
        }
    }
    return smtp_server


@pytest.fixture
def call(db):
    """An open call of a synthetic programme, one deadline: 30 June 2025, 17:00 Brussels."""
    return CallFactory(deadlines=[deadline_on(date(2025, 6, 30))])


def follow(
    *,
    email: str = "applicant@example.org",
    language: str = "en",
    confirmed_at: datetime | None = BEFORE_REMINDERS,
    **topic,
) -> Subscription:
    """A subscription of `email` to `call=`, `programme=` or `search=` (confirmed by default)."""
    subscriber, _ = Subscriber.objects.get_or_create(email=email, defaults={"language": language})
    return Subscription.objects.create(subscriber=subscriber, confirmed_at=confirmed_at, **topic)


@pytest.fixture
def run_sweep(db, django_capture_on_commit_callbacks):
    """Run the sweep at a moment, with its queued tasks run at once (eager Celery)."""
    import time_machine

    from alerts.tasks import sweep_and_queue

    def run(moment: datetime):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return sweep_and_queue()

    return run


@pytest.fixture
def celery_broker(celery_eager):
    """`celery_broker(url, queue)`: tasks go to the broker at `url` (not run at once) on
    `queue`, for the rest of the test."""
    app = celery_eager
    saved = {key: app.conf[key] for key in ("broker_url", "task_default_queue")}

    def use(url: str, queue: str) -> None:
        app.conf.update(broker_url=url, task_default_queue=queue, task_always_eager=False)
        app.__dict__.pop("amqp", None)
        app._pool = None

    yield use
    app.conf.update(**saved)
    app.__dict__.pop("amqp", None)
    app._pool = None
