"""Deadlines as iCalendar (RFC 5545) for calendar apps: one event per deadline.

An event's SEQUENCE is its call's `version`, which every saved change raises, so a
calendar that already holds the event replaces it with the newer one (RFC 5545 3.8.7.4).
A cancelled call's deadlines stay in the files as cancelled events (STATUS:CANCELLED):
dropping them would leave them in the calendars that imported them.
"""

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from calls.models import Deadline
from foundation.site import absolute_url, site_host
from programmes.validators import without_control_characters

PRODUCT_ID = "-//EU Migration Funding Portal//Deadlines//EN"


def deadlines_calendar(deadlines: Iterable[Deadline], *, name: str) -> bytes:
    """An iCalendar file of `deadlines`, each with its call (select `call` to avoid queries)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for deadline in deadlines:
        calendar.add_component(_event(deadline))
    return calendar.to_ical()


def _event(deadline: Deadline) -> Event:
    call = deadline.call
    url = absolute_url(call.get_absolute_url())
    label = f" ({deadline.label})" if deadline.label else ""
    event = Event()
    event.add("uid", f"deadline-{deadline.pk}@{site_host()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", deadline.due_at)
    event.add("dtend", deadline.due_at)
    cancelled = call.cancelled_at is not None and call.cancelled_at <= timezone.now()
    prefix = "Cancelled: " if cancelled else ""
    title = _line(call.title)
    event.add("summary", _line(f"{prefix}Deadline{label}: {call.identifier} {title}"))
    event.add("description", f"{title}\n{call.identifier}\n{url}")
    event.add("url", url)
    event.add("sequence", call.version)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _line(text: str) -> str:
    """`text` on one line, without the control characters RFC 5545 TEXT cannot hold
    (the models refuse them, but not in what was stored before)."""
    return " ".join(without_control_characters(text).split())
