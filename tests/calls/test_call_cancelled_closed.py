"""What a closed or cancelled call's page, its calendar files and its cards say.

Calendar files are parsed with the icalendar library: a cancelled call's deadlines stay
in them as cancelled events with a higher SEQUENCE, so calendars that hold them update.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from calls import services
from foundation.brussels import deadline_on
from tests.factories import CallFactory

BEFORE_THE_DEADLINE = datetime(2025, 3, 1, 9, tzinfo=UTC)


def events(response) -> list:
    assert response.status_code == 200
    return Calendar.from_ical(response.content).walk("VEVENT")


@pytest.fixture
def call(db):
    with time_machine.travel(datetime(2025, 2, 1, tzinfo=UTC), tick=False):
        return CallFactory(
            deadlines=[deadline_on(date(2025, 4, 1)), deadline_on(date(2025, 6, 30))]
        )


@pytest.fixture
def cancelled(call):
    with time_machine.travel(datetime(2025, 2, 20, tzinfo=UTC), tick=False):
        return services.call_cancel(call=call, user=None, reason="The budget was withdrawn.")


@time_machine.travel(BEFORE_THE_DEADLINE, tick=False)
def test_an_open_calls_events_are_confirmed_with_its_version(client, call):
    for event in events(client.get(reverse("call_calendar", args=[call.identifier]))):
        assert event["status"] == "CONFIRMED"
        assert event.decoded("sequence") == call.version


@time_machine.travel(BEFORE_THE_DEADLINE, tick=False)
def test_a_cancelled_calls_ics_cancels_its_events_with_a_raised_sequence(client, call):
    before = events(client.get(reverse("call_calendar", args=[call.identifier])))
    with time_machine.travel(datetime(2025, 2, 20, tzinfo=UTC), tick=False):
        services.call_cancel(call=call, user=None, reason="The budget was withdrawn.")
    after = events(client.get(reverse("call_calendar", args=[call.identifier])))
    assert [str(e["uid"]) for e in after] == [str(e["uid"]) for e in before]
    for old, new in zip(before, after, strict=True):
        assert new["status"] == "CANCELLED"
        assert new.decoded("sequence") > old.decoded("sequence")
        assert str(new["summary"]).startswith("Cancelled: ")


@time_machine.travel(BEFORE_THE_DEADLINE, tick=False)
def test_the_deadlines_calendar_cancels_a_cancelled_calls_events(client, cancelled):
    other = CallFactory(deadlines=[deadline_on(date(2025, 5, 5))])
    by_call = {}
    for event in events(client.get(reverse("deadlines_calendar"))):
        by_call.setdefault(str(event["url"]).rstrip("/").rsplit("/", 1)[-1], set()).add(
            str(event["status"])
        )
    assert by_call == {cancelled.identifier: {"CANCELLED"}, other.identifier: {"CONFIRMED"}}


@time_machine.travel(BEFORE_THE_DEADLINE, tick=False)
def test_a_cancelled_call_shows_no_countdown_nor_calendar_link(client, cancelled):
    text = client.get(cancelled.get_absolute_url()).text
    assert "Cancelled: The budget was withdrawn." in text
    assert "days left" not in text
    assert reverse("call_calendar", args=[cancelled.identifier]) not in text


@time_machine.travel(BEFORE_THE_DEADLINE, tick=False)
def test_an_open_call_shows_its_countdown_and_calendar_link(client, call):
    text = client.get(call.get_absolute_url()).text
    assert "31 days left" in text
    assert reverse("call_calendar", args=[call.identifier]) in text


@time_machine.travel(BEFORE_THE_DEADLINE, tick=False)
def test_related_call_cards_say_cancelled_not_a_deadline(client, cancelled):
    sibling = CallFactory(programme=cancelled.programme)
    text = client.get(sibling.get_absolute_url()).text
    related = text[text.index('id="related-calls"') :]
    card = related[: related.index("</li>")]
    assert cancelled.identifier in card
    assert "Cancelled" in card
    assert "deadline" not in card.lower()


@pytest.mark.usefixtures("demo")
@time_machine.travel(datetime(2025, 3, 1, tzinfo=UTC), tick=False)
def test_a_closed_call_says_so_at_the_top_with_next_steps(client):
    text = client.get(reverse("call_detail", args=["AMIF-2024-TF2-AG-THB-01"])).text
    header = text[text.index("<h1>") : text.index('id="key-facts"')]
    assert "This call is closed: submission ended on 21 August 2024." in header
    assert "?programme=amif-2021-2027&amp;status=open&amp;status=forthcoming" in header
    assert 'href="#alert-signup-title"' in header
    assert 'name="programme" value="amif-2021-2027"' in text
    # No calendar file for deadlines that have passed.
    assert reverse("call_calendar", args=["AMIF-2024-TF2-AG-THB-01"]) not in text
