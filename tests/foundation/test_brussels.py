"""Brussels time: what a source's date means, and a moment written in Brussels time in
the three forms the portal shows (ISO in admin exports, `Deadline.__str__`, pages of the
NCP area), on both sides of the CET/CEST switch and in both languages."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from foundation.brussels import BRUSSELS, brussels_time, deadline_on, opening_on

WINTER = datetime(2025, 3, 30, 0, 59, 59, tzinfo=UTC)  # the second before CEST begins
SUMMER = datetime(2025, 6, 30, 15, 0, 0, 123456, tzinfo=UTC)


def test_a_date_means_17_00_for_a_deadline_and_the_start_of_the_day_for_an_opening():
    assert deadline_on(date(2025, 6, 30)) == datetime(2025, 6, 30, 15, 0, tzinfo=UTC)
    assert opening_on(date(2025, 1, 15)) == datetime(2025, 1, 14, 23, 0, tzinfo=UTC)
    assert deadline_on(date(2024, 2, 29)).tzinfo is BRUSSELS


@pytest.mark.parametrize(
    ("moment", "format", "language", "written"),
    [
        (WINTER, "c", "en", "2025-03-30T01:59:59+01:00"),
        (SUMMER, "c", "en", "2025-06-30T17:00:00.123456+02:00"),
        (WINTER, "Y-m-d H:i T", "en", "2025-03-30 01:59 CET"),
        (SUMMER, "Y-m-d H:i T", "fr", "2025-06-30 17:00 CEST"),
        (WINTER, "j F Y, H:i", "en", "30 March 2025, 01:59"),
        (SUMMER, "j F Y, H:i", "fr", "30 juin 2025, 17:00"),
    ],
)
def test_a_moment_is_written_in_brussels_time(moment, format, language, written):
    with translation.override(language):
        assert brussels_time(moment, format) == written


@pytest.mark.parametrize("moment", [WINTER, SUMMER])
def test_the_forms_are_those_python_writes(moment):
    """The ISO form and the short form are what `isoformat` and `strftime` wrote before."""
    local = moment.astimezone(BRUSSELS)
    assert brussels_time(moment, "c") == local.isoformat()
    assert brussels_time(moment, "Y-m-d H:i T") == local.strftime("%Y-%m-%d %H:%M %Z")
