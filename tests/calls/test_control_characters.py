"""Control characters: refused in what an editor writes (the model's validation, which
every door runs), left out of feeds and calendars for what was stored before."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from calls import services
from calls.models import Call, CallChange, Deadline
from foundation.brussels import deadline_on, opening_on
from projects.models import NewsItem
from tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"
# Every C0 character but tab, line feed and carriage return, and DEL.
REFUSED_IN_TEXTS = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]


@pytest.fixture(autouse=True)
def clock_and_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    with time_machine.travel(opening_on(date(2026, 10, 1)), tick=False):
        yield


def new_call(**fields) -> Call:
    values = {
        "code": 77001,
        "identifier": "TESTF-2026-AG-NEW-01",
        "title": "A new call",
        "programme": ProgrammeFactory(),
        "opens_at": opening_on(date(2026, 12, 1)),
    } | fields
    return services.call_create(
        user=None,
        fields=values,
        deadlines=[services.DeadlineInput(deadline_on(date(2027, 2, 1)))],
        published_at=opening_on(date(2026, 11, 1)),
    )


@pytest.mark.parametrize("character", REFUSED_IN_TEXTS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("field", ["title", "summary", "description", "national_note"])
def test_a_control_character_is_refused_on_its_field(field, character):
    with pytest.raises(ValidationError) as refused:
        new_call(**{field: f"Before{character}after"})
    assert list(refused.value.message_dict) == [field]
    assert "control characters" in refused.value.message_dict[field][0]
    assert not Call.objects.exists()


@pytest.mark.parametrize("character", ["\t", "\n", "\r"], ids=["tab", "LF", "CR"])
def test_long_texts_keep_tabs_and_line_breaks_but_a_title_does_not(character):
    call = new_call(summary=f"One{character}two", description=f"One{character}two")
    assert call.description == f"One{character}two"
    with pytest.raises(ValidationError) as refused:
        new_call(code=77002, identifier="TESTF-2026-AG-NEW-02", title=f"One{character}two")
    assert list(refused.value.message_dict) == ["title"]


def test_deadline_labels_objectives_and_reasons_are_checked_too():
    call = new_call()
    deadline = call.deadlines.get()
    with pytest.raises(ValidationError, match="control characters"):
        services.call_update(
            call=call,
            user=None,
            expected_version=call.version,
            fields={},
            deadlines=[services.DeadlineInput(deadline.due_at, "Stage\x1b1", deadline.pk)],
        )
    with pytest.raises(ValidationError, match="control characters"):
        services.call_update(
            call=call,
            user=None,
            expected_version=call.version,
            fields={},
            deadlines=[services.DeadlineInput(deadline.due_at, "", deadline.pk)],
            objectives=["An\x00objective"],
        )
    with pytest.raises(ValidationError, match="control characters"):
        services.call_cancel(call=call, user=None, reason="Withdrawn\x08")
    with pytest.raises(ValidationError, match="control characters"):
        services.call_extend_deadline(
            deadline=deadline, user=None, due_at=deadline_on(date(2027, 3, 1)), reason="Later\x02"
        )
    assert Call.objects.get().version == 1
    assert not CallChange.objects.exists()


def stored_with_control_characters() -> Call:
    """A call stored before the rule: written without validation."""
    call = CallFactory(
        identifier="TESTF-2025-AG-CTRL-01", deadlines=[deadline_on(date(2026, 12, 1))]
    )
    Call.objects.filter(pk=call.pk).update(
        title="Bell\x07 and form feed\x0c", summary="Start\x01 and escape\x1b\nsecond line"
    )
    Deadline.objects.filter(call=call).update(label="Stage\x1f1")
    return call


def test_the_calls_feed_leaves_out_what_xml_cannot_hold(client):
    stored_with_control_characters()
    response = client.get(reverse("calls_feed"))
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "TESTF-2025-AG-CTRL-01: Bell and form feed"
    assert entry.findtext(f"{ATOM}summary") == "Start and escape\nsecond line"


def test_the_news_feed_leaves_out_what_xml_cannot_hold(client):
    NewsItem.objects.create(
        slug="control", title="News\x0b", body="Body\x01", published_on=date(2025, 1, 1)
    )
    response = client.get(reverse("news_feed"))
    assert response.status_code == 200
    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "News"


@pytest.mark.parametrize("which", ["call", "all"])
def test_calendars_leave_out_what_icalendar_cannot_hold(client, which):
    call = stored_with_control_characters()
    url = (
        reverse("call_calendar", args=[call.identifier])
        if which == "call"
        else "/calendar/deadlines.ics"
    )
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert not any(character in body for character in REFUSED_IN_TEXTS)
    assert "SUMMARY:Deadline (Stage1): TESTF-2025-AG-CTRL-01 Bell and form feed\r\n" in body
