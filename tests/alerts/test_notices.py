"""Notices: a deadline of a followed call moves, or the call is cancelled."""

import time_machine
from django.core import mail

from alerts.models import Notification
from calls.services import call_cancel, call_extend_deadline
from tests.alerts.conftest import BEFORE_REMINDERS, follow
from tests.alerts.test_reminders import brussels


def extend(call, due_at, at):
    with time_machine.travel(at, tick=False):
        call_extend_deadline(
            deadline=call.deadlines.get(), user=None, due_at=due_at, reason="More time to apply."
        )


def test_followers_hear_that_the_deadline_moved(call, run_sweep):
    follow(call=call, email="call@example.org")
    follow(programme=call.programme, email="programme@example.org")
    extend(call, brussels(2025, 7, 15, 17, 0), at=brussels(2025, 6, 12, 10, 0))
    run_sweep(brussels(2025, 6, 12, 10, 15))
    assert sorted(m.to[0] for m in mail.outbox) == ["call@example.org", "programme@example.org"]
    message = mail.outbox[0]
    assert message.subject == f"Deadline changed: {call.identifier}"
    assert (
        "The deadline moved from 30 June 2025, 17:00 CEST to 15 July 2025, 17:00 CEST "
        "(Brussels time)." in message.body
    )
    assert "Reason: More time to apply." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    run_sweep(brussels(2025, 6, 12, 10, 30))
    assert len(mail.outbox) == 2


def test_reminders_follow_the_new_deadline(call, run_sweep):
    follow(call=call)
    run_sweep(brussels(2025, 6, 27, 17, 0))  # 3 days before 30 June
    extend(call, brussels(2025, 7, 15, 17, 0), at=brussels(2025, 6, 28, 10, 0))
    run_sweep(brussels(2025, 6, 29, 17, 0))  # was the 1-day moment of the old deadline
    run_sweep(brussels(2025, 7, 1, 17, 0))  # 14 days before 15 July
    run_sweep(brussels(2025, 7, 12, 17, 0))  # 3 days before 15 July
    assert [m.subject for m in mail.outbox] == [
        f"{call.identifier} closes in 3 days",
        f"Deadline changed: {call.identifier}",
        f"{call.identifier} closes in 14 days",
        f"{call.identifier} closes in 3 days",
    ]


def test_followers_hear_that_the_call_is_cancelled_and_get_no_more_reminders(call, run_sweep):
    follow(call=call)
    with time_machine.travel(brussels(2025, 6, 20, 9, 0), tick=False):
        call_cancel(call=call, user=None, reason="The budget was withdrawn.")
    run_sweep(brussels(2025, 6, 20, 9, 15))
    run_sweep(brussels(2025, 6, 29, 17, 0))
    (message,) = mail.outbox
    assert message.subject == f"Call cancelled: {call.identifier}"
    assert "Reason: The budget was withdrawn." in message.body


def test_changes_made_before_someone_subscribed_are_not_sent(call, run_sweep):
    extend(call, brussels(2025, 7, 15, 17, 0), at=brussels(2025, 6, 1, 10, 0))
    follow(call=call, confirmed_at=BEFORE_REMINDERS)
    run_sweep(BEFORE_REMINDERS)
    assert mail.outbox == []
    assert not Notification.objects.exists()
