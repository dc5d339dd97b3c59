"""Deadlines as .ics files: one call's, and every deadline with fund and programme filters."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

pytestmark = pytest.mark.usefixtures("demo")


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
    with django_assert_max_num_queries(1):
        every = events(client.get(url))
    assert len(every) == 9
    assert len(events(client.get(url, {"fund": "AMIF"}))) == 9
    assert len(events(client.get(url, {"fund": "IPA III"}))) == 0
    assert len(events(client.get(url, {"programme": "amif-2021-2027"}))) == 9
    assert len(events(client.get(url, {"programme": "isf-police"}))) == 0
