"""The digest and the reminders name a call's next deadline, not its last: a call whose
first stage closes on 18 September is announced with that date, not with 30 September."""

from datetime import date

from django.core import mail

from foundation.brussels import deadline_on
from tests.alerts.conftest import follow
from tests.alerts.test_reminders import brussels
from tests.factories import CallFactory

FIRST_STAGE, SECOND_STAGE = deadline_on(date(2025, 9, 18)), deadline_on(date(2025, 12, 4))


def two_stage_call(**kwargs):
    call = CallFactory(deadlines=[FIRST_STAGE, SECOND_STAGE], **kwargs)
    call.deadlines.filter(due_at=FIRST_STAGE).update(label="First stage")
    return call


def test_the_digest_names_the_next_deadline(call, run_sweep):
    follow(programme=call.programme, confirmed_at=brussels(2025, 6, 1, 9))
    two_stage_call(programme=call.programme, published_at=brussels(2025, 6, 10, 1))
    run_sweep(brussels(2025, 6, 10, 8, 0))
    (digest,) = mail.outbox
    assert "Next deadline: Thursday 18 September 2025, 17:00 CEST" in digest.body
    assert "First stage" in digest.body
    assert "4 December" not in digest.body
    assert "Next deadline:" in digest.alternatives[0][0]


def test_a_single_deadline_is_just_the_deadline(call, run_sweep):
    follow(programme=call.programme, confirmed_at=brussels(2025, 6, 1, 9))
    CallFactory(
        programme=call.programme,
        published_at=brussels(2025, 6, 10, 1),
        deadlines=[SECOND_STAGE],
    )
    run_sweep(brussels(2025, 6, 10, 8, 0))
    (digest,) = mail.outbox
    assert "Deadline: Thursday 4 December 2025, 17:00 CET" in digest.body


def test_a_reminder_of_a_first_stage_says_next_deadline_and_lists_the_later_one(run_sweep):
    call = two_stage_call()
    follow(call=call, confirmed_at=brussels(2025, 6, 1, 9))
    run_sweep(brussels(2025, 9, 15, 17, 5))  # three days before the first stage
    (reminder,) = [m for m in mail.outbox if "3 days" in m.subject]
    assert reminder.subject == f"{call.identifier}: next deadline in 3 days"
    assert "The next deadline of this call is in 3 days:" in reminder.body
    assert "Next deadline: Thursday 18 September 2025, 17:00 CEST" in reminder.body
    assert "Later deadlines:\n- Thursday 4 December 2025, 17:00 CET" in reminder.body
    assert "closes in" not in reminder.body
