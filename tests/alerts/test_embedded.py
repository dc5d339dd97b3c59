"""Under `make run` (no broker, tasks run at once) notices go out without anyone running
send_reminders: the sweep runs after each change to a call, once it is committed."""

import pytest
import time_machine
from django.core import mail

from calls.services import call_cancel
from tests.alerts.conftest import BEFORE_REMINDERS, follow


@pytest.fixture
def embedded(settings):
    settings.ALERTS_SWEEP_ON_CHANGE = True


@pytest.mark.usefixtures("embedded")
def test_a_cancellation_reaches_followers_at_once(call, django_capture_on_commit_callbacks):
    follow(call=call)
    with (
        time_machine.travel(BEFORE_REMINDERS, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_cancel(call=call, user=None, reason="The budget was withdrawn.")
    (message,) = mail.outbox
    assert message.subject == f"Call cancelled: {call.identifier}"
