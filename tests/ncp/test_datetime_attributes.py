"""Moments in HTML `datetime` attributes are valid HTML: to the second, without the
microseconds the database keeps (HTML allows at most three digits of a fraction)."""

import re
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from calls import services
from calls.models import Call, Deadline
from foundation.brussels import BRUSSELS
from tests.ncp.conftest import CLOCK

# A valid global date and time string, to the second, with its offset.
TO_THE_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
OPENS_AT = datetime(2025, 1, 15, 9, 30, 5, 624575, tzinfo=BRUSSELS)


@pytest.fixture
def call_with_microseconds(call_a, ncp_a):
    """Call A as the API leaves it: every moment with microseconds, its deadline changed
    (so that the pages show its trail)."""
    Call.objects.filter(pk=call_a.pk).update(opens_at=OPENS_AT)
    deadline = call_a.deadlines.get()
    Deadline.objects.filter(pk=deadline.pk).update(
        due_at=deadline.due_at + timedelta(microseconds=1)
    )
    deadline.refresh_from_db()
    services.call_extend_deadline(
        deadline=deadline, user=ncp_a, due_at=deadline.due_at + timedelta(days=1, microseconds=7)
    )
    return call_a


@pytest.mark.parametrize(
    "view",
    ["call_list", "call_detail", "manage_home", "manage_call_detail"],
)
def test_every_datetime_attribute_is_to_the_second(
    client, ncp_a, call_with_microseconds, view, clock
):
    if view != "call_list":  # a cancelled call's card shows no deadline to meet
        services.call_cancel(call=call_with_microseconds, user=ncp_a, reason="Withdrawn")
    clock.move_to(CLOCK + timedelta(microseconds=123456))
    client.force_login(ncp_a)
    args = [] if view in ("call_list", "manage_home") else [call_with_microseconds.identifier]
    query = (
        {"status": ["open", "closed", "cancelled", "forthcoming"]} if view == "call_list" else {}
    )
    response = client.get(reverse(view, args=args), query)
    assert response.status_code == 200
    moments = re.findall(r'<time datetime="([^"]+)"', response.content.decode())
    timed = [moment for moment in moments if "T" in moment]
    assert timed, "the page shows moments"
    assert all(TO_THE_SECOND.fullmatch(moment) for moment in timed), timed
