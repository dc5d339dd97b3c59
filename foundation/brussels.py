"""Brussels time, in which EU calls open and close: the moment a source's date means, and a
moment written as the pages, the admin and the NCP area show it. Moments are stored in
UTC (docs/architecture.md, "Data model")."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

BRUSSELS = ZoneInfo("Europe/Brussels")
# EU calls close at 17:00 Brussels time; a source that gives only a date means that.
DEADLINE_TIME = time(17, 0)


def deadline_on(day: date) -> datetime:
    """The deadline of a call whose source gives only a date: 17:00 Brussels that day."""
    return datetime.combine(day, DEADLINE_TIME, tzinfo=BRUSSELS)


def opening_on(day: date) -> datetime:
    """The opening of a call whose source gives only a date: the start of that day in Brussels."""
    return datetime.combine(day, time(0, 0), tzinfo=BRUSSELS)


def brussels_time(moment: datetime, format: str) -> str:
    """`moment` in Brussels time, written with Django's date `format` in the active
    language: "c" (ISO 8601 with its offset), "Y-m-d H:i T" (2025-06-30 17:00 CEST),
    "j F Y, H:i" (30 June 2025, 17:00; 30 juin 2025 in French)."""
    return date_format(timezone.localtime(moment, BRUSSELS), format)
