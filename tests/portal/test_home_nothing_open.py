"""The home page when no call is open: it says so once, lists the recently closed and the
forthcoming calls, and offers an alert."""

from datetime import UTC, date, datetime

import time_machine
from django.urls import reverse

from foundation.brussels import deadline_on, opening_on
from tests.factories import CallFactory


def home_text(client) -> str:
    return client.get(reverse("home")).text


@time_machine.travel(datetime(2025, 3, 1, tzinfo=UTC), tick=False)
def test_nothing_open_nor_announced(client, demo):
    text = home_text(client)
    assert text.count('class="empty"') == 1
    assert "No call is open or announced at the moment." in text
    assert 'id="forthcoming-calls"' not in text
    recent = text[text.index('id="recently-closed"') :]
    assert "AMIF-2024-TF2-AG-THB-01" in recent  # the latest closed first
    assert 'name="search" value=""' in text  # an alert about every new call


@time_machine.travel(datetime(2025, 3, 1, tzinfo=UTC), tick=False)
def test_nothing_open_but_a_call_announced(client, demo):
    CallFactory(opens_at=opening_on(date(2025, 4, 1)), deadlines=[deadline_on(date(2025, 7, 1))])
    text = home_text(client)
    assert text.count('class="empty"') == 1
    assert "No call is open at the moment. The forthcoming calls are listed below." in text
    assert 'id="forthcoming-calls"' in text and 'id="recently-closed"' in text


@time_machine.travel(datetime(2025, 3, 1, tzinfo=UTC), tick=False)
def test_open_calls_need_no_apology_nor_closed_calls(client, demo):
    CallFactory(opens_at=opening_on(date(2025, 2, 1)), deadlines=[deadline_on(date(2025, 3, 5))])
    text = home_text(client)
    assert 'class="empty"' not in text.split('id="funds"')[0]
    assert 'id="recently-closed"' not in text
    assert 'name="search" value=""' not in text
