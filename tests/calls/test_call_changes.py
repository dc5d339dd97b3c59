"""The public page of a call lists the changes made to it since its publication, newest
first, in English and in French; a cancelled call says so at the top."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from calls import services
from calls.models import Call
from calls.services import DeadlineInput
from foundation.brussels import deadline_on
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

NBSP = "\xa0"  # French puts one before a colon
MAY_16, MAY_30 = deadline_on(date(2023, 5, 16)), deadline_on(date(2023, 5, 30))
BEFORE, DURING, AFTER = (datetime(2023, 5, day, 10, tzinfo=UTC) for day in (1, 10, 20))


def page(client, call: Call, language: str = "en") -> str:
    with translation.override(language):
        response = client.get(reverse("call_detail", args=[call.identifier]))
    assert response.status_code == 200
    return response.text


@pytest.fixture
def call() -> Call:
    return CallFactory(opens_at=deadline_on(date(2023, 3, 1)), deadlines=[MAY_16])


def extend(call: Call, due_at: datetime, reason: str = "") -> None:
    services.call_extend_deadline(
        deadline=call.deadlines.get(), user=None, due_at=due_at, reason=reason
    )


def update(call: Call, deadlines: list[DeadlineInput]) -> None:
    services.call_update(
        call=call, user=None, expected_version=call.version, fields={}, deadlines=deadlines
    )


@time_machine.travel(DURING, tick=False)
def test_an_extension_is_listed(client, call):
    extend(call, MAY_30, reason="Many applicants asked for more time.")

    text = page(client, call)
    assert "Deadline extended from 16 May 2023 to 30 May 2023" in text
    assert "Many applicants asked for more time." in text
    assert '<time datetime="2023-05-10T12:00:00+02:00">10 May 2023</time>' in text


@time_machine.travel(DURING, tick=False)
def test_an_extension_in_french(client, call):
    extend(call, MAY_30)

    text = page(client, call, "fr")
    assert "Modifications" in text
    assert "Date limite prolongée du 16 mai 2023 au 30 mai 2023" in text


@time_machine.travel(DURING, tick=False)
def test_an_earlier_deadline_is_moved_not_extended(client):
    call = CallFactory(opens_at=deadline_on(date(2023, 3, 1)), deadlines=[MAY_30])
    deadline = call.deadlines.get()
    update(call, [DeadlineInput(due_at=MAY_16, pk=deadline.pk)])

    assert "Deadline moved from 30 May 2023 to 16 May 2023" in page(client, call)
    assert "Date limite déplacée du 30 mai 2023 au 16 mai 2023" in page(client, call, "fr")


@time_machine.travel(DURING, tick=False)
def test_added_and_removed_deadlines_are_listed(client, call):
    update(call, [DeadlineInput(due_at=MAY_30)])

    text = page(client, call)
    assert "Deadline added: 30 May 2023" in text
    assert "Deadline removed: 16 May 2023" in text
    french = page(client, call, "fr")
    assert f"Date limite ajoutée{NBSP}: 30 mai 2023" in french
    assert f"Date limite supprimée{NBSP}: 16 mai 2023" in french


def test_a_cancellation_is_shown_at_the_top(client, call):
    with time_machine.travel(DURING, tick=False):
        extend(call, MAY_30)
    with time_machine.travel(AFTER, tick=False):
        services.call_cancel(call=call, user=None, reason="The budget was withdrawn.")
        text = page(client, call)
        french = page(client, call, "fr")

    top = text[text.index('<header class="page-header">') : text.index('id="key-facts"')]
    assert "<strong>Cancelled: The budget was withdrawn.</strong>" in top
    assert f"Annulé{NBSP}: The budget was withdrawn." in french
    # Newest first: the cancellation, then the extension.
    changes = text[text.index('id="changes"') :]
    assert changes.index("Cancelled") < changes.index("Deadline extended from 16 May 2023")


def test_changes_to_a_draft_before_publication_are_not_listed(client):
    call = CallFactory(
        opens_at=deadline_on(date(2023, 3, 1)), deadlines=[MAY_16], published_at=None
    )
    with time_machine.travel(BEFORE, tick=False):
        extend(call, MAY_30)
    with time_machine.travel(DURING, tick=False):
        services.call_publish(call=call, user=None)
        text = page(client, call)

    assert "Deadline extended" not in text
    assert 'id="changes"' not in text


@time_machine.travel(DURING, tick=False)
def test_the_changes_cost_one_query_however_many(client, call, django_assert_num_queries):
    # The call, its deadlines, objectives, documents, changes, contact points (none, so no
    # persons), its national contact points, who can apply (the call's or the programme's
    # types, and themes) and related calls (none, so no deadlines).
    with django_assert_num_queries(10):
        page(client, call)
    for due_at in (MAY_30, deadline_on(date(2023, 6, 6)), deadline_on(date(2023, 6, 13))):
        extend(call, due_at)
    with django_assert_num_queries(10):
        assert page(client, call).count("Deadline extended") == 3
