"""Result cards: status, the next deadline with a days-left badge that stands out at seven
days or fewer, budget, type of action and a one-line summary; the filters of /calls/
fold behind "Filters (n)"."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from calls.models import deadline_on
from tests.factories import CallFactory

NOW = datetime(2025, 6, 20, 9, tzinfo=UTC)


def card_of(text: str, identifier: str) -> str:
    start = text.rindex('<li class="call-row">', 0, text.index(identifier))
    return text[start : text.index("</li>", start)]


@pytest.mark.parametrize(
    ("deadline", "badge"),
    [
        (date(2025, 6, 27), '<span class="days-left days-left--soon">7 days left</span>'),
        (date(2025, 6, 28), '<span class="days-left">8 days left</span>'),
    ],
)
@time_machine.travel(NOW, tick=False)
def test_the_days_left_badge_stands_out_at_seven_days_or_fewer(client, db, deadline, badge):
    call = CallFactory(deadlines=[deadline_on(deadline)])
    card = card_of(client.get(reverse("call_list")).text, call.identifier)
    assert badge in card


@time_machine.travel(NOW, tick=False)
def test_a_card_shows_budget_type_of_action_and_a_summary(client, db):
    call = CallFactory(
        budget=Decimal("5000000"),
        type_of_action="AG",
        summary="Support for victims of trafficking.",
    )
    card = card_of(client.get(reverse("call_list")).text, call.identifier)
    assert '<p class="call-row__summary">Support for victims of trafficking.</p>' in card
    assert "Action grant" in card and "Budget" in card and "Open" in card
    assert "Next deadline" in card


def test_filters_fold_behind_a_disclosure_with_their_count(client, db):
    text = client.get(reverse("call_list"), {"fund": "", "status": "closed"}).text
    assert '<details class="filters">' in text
    assert "<summary>Filters (1)</summary>" in text  # the statuses differ from the default
    assert "<summary>Filters (0)</summary>" in client.get(reverse("call_list")).text


def test_an_invalid_filter_opens_the_disclosure_and_names_its_error(client, db):
    text = client.get(reverse("call_list"), {"closes_after": "2025-13-01"}).text
    assert '<details class="filters" open>' in text
    assert 'aria-describedby="id_closes_after_error"' in text
    assert 'id="id_closes_after_error"' in text
