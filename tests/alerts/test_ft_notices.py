"""A deadline the EU Funding & Tenders Portal moves reaches the imported topic's followers,
as an NCP's change would."""

from datetime import UTC, datetime

import time_machine
from django.core import mail
from django.core.management import call_command

from tests.alerts.conftest import follow
from tests.calls.ft_data import amif_topic, answer_file
from tests.factories import FundFactory, ProgrammeFactory

IMPORTED = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
MOVED = datetime(2026, 6, 12, 8, 0, tzinfo=UTC)


def test_followers_hear_that_the_import_moved_the_deadline(run_sweep, tmp_path):
    ProgrammeFactory(fund=FundFactory(code="AMIF", call_prefix="AMIF"))
    with time_machine.travel(IMPORTED, tick=False):
        call_command("import_ft", answer_file(tmp_path, amif_topic()))
    from calls.models import Call

    call = Call.objects.get()
    follow(call=call, email="call@example.org", confirmed_at=IMPORTED)
    moved = amif_topic(deadlineDate="2026-10-01T00:00:00.000+0000")
    with time_machine.travel(MOVED, tick=False):
        call_command("import_ft", answer_file(tmp_path, moved))
    run_sweep(datetime(2026, 6, 12, 8, 15, tzinfo=UTC))
    (message,) = mail.outbox
    assert message.to == ["call@example.org"]
    assert message.subject == f"Deadline changed: {call.identifier}"
    assert (
        "The deadline moved from 15 September 2026, 17:00 CEST to 1 October 2026, 17:00 CEST"
        in message.body
    )
