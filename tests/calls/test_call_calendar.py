"""Deadlines as .ics files: one call's, and every deadline with fund and programme filters."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from calls.models import Deadline
from calls.views import CALENDAR_CACHE_SECONDS, CALENDAR_LENGTH
from foundation.brussels import opening_on
from tests.factories import CallFactory

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def own_cache_and_clock(settings, request):
    """A cache of this test's own (the calendar is cached), at a moment when the demo
    calls' deadlines (2022 to 2024) are all to come."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"calendar-{request.node.nodeid}",
        },
    }
    with time_machine.travel(opening_on(date(2022, 5, 1)), tick=False) as traveller:
        yield traveller


def events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_a_calls_deadline_as_an_ics_file(client, settings):
    settings.SITE_URL = "https://funding.example.eu"
    response = client.get(reverse("call_calendar", args=["AMIF-2024-TF2-AG-THB-01"]))
    assert 'filename="AMIF-2024-TF2-AG-THB-01.ics"' in response["Content-Disposition"]
    [event] = events(response)
    assert event.decoded("dtstart") == datetime(2024, 8, 21, 15, tzinfo=UTC)
    assert "AMIF-2024-TF2-AG-THB-01" in str(event["summary"])
    assert str(event["url"]) == "https://funding.example.eu/calls/AMIF-2024-TF2-AG-THB-01/"
    assert str(event["uid"]).endswith("@funding.example.eu")


def test_an_unknown_calls_calendar_is_not_found(client):
    assert client.get(reverse("call_calendar", args=["AMIF-1999-NOPE"])).status_code == 404


def test_every_deadline_and_the_filters(client, django_assert_max_num_queries):
    url = reverse("deadlines_calendar")
    with django_assert_max_num_queries(2):  # the state of the calls (cache key), deadlines
        every = events(client.get(url))
    assert len(every) == 9
    assert len(events(client.get(url, {"fund": "AMIF"}))) == 9
    assert len(events(client.get(url, {"fund": "IPA III"}))) == 0
    assert len(events(client.get(url, {"programme": "amif-2021-2027"}))) == 9
    assert len(events(client.get(url, {"programme": "isf-police"}))) == 0


def test_an_unknown_fund_or_programme_is_not_found(client):
    url = reverse("deadlines_calendar")
    assert client.get(url, {"fund": "ow"}).status_code == 404
    assert client.get(url, {"programme": "nope"}).status_code == 404


def test_the_calendar_is_cached_for_five_minutes(client, own_cache_and_clock):
    url = reverse("deadlines_calendar")
    first = client.get(url)
    assert "max-age=300" in first["Cache-Control"]
    Deadline.objects.all().delete()
    assert client.get(url).content == first.content
    own_cache_and_clock.shift(301)
    assert events(client.get(url)) == []


def test_the_calendar_leaves_out_deadlines_past_for_90_days_and_is_bounded(
    client, own_cache_and_clock
):
    url = reverse("deadlines_calendar")
    own_cache_and_clock.move_to(opening_on(date(2022, 8, 17)))  # 89 days after 19 May
    assert len(events(client.get(url))) == 9
    own_cache_and_clock.move_to(opening_on(date(2022, 8, 19)))  # 91 days after
    assert len(events(client.get(url))) == 8
    many = CallFactory(identifier="TESTF-2025-AG-MANY-01")
    start = datetime(2025, 2, 1, tzinfo=UTC)
    Deadline.objects.bulk_create(
        Deadline(call=many, due_at=start + timedelta(minutes=n)) for n in range(CALENDAR_LENGTH)
    )
    assert len(events(client.get(url, {"fund": "TESTF"}))) == CALENDAR_LENGTH
    own_cache_and_clock.shift(CALENDAR_CACHE_SECONDS)
    every = events(client.get(url))
    assert len(every) == CALENDAR_LENGTH  # the soonest ones
    assert "MANY" not in str(every[0]["summary"])


def test_the_calendar_is_served_when_the_cache_is_unreachable(client, settings):
    """A Redis the test names where nothing listens: the calendar is built without it."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    assert len(events(client.get(reverse("deadlines_calendar")))) == 9
