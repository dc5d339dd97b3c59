"""Result cards: status, the next deadline with a days-left badge that stands out at seven
days or fewer, budget, type of action and a one-line summary; the filters of /calls/
fold behind "Filters (n)"."""

from copy import copy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation

from foundation.brussels import deadline_on
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


def kept_and_fresh_rows(client, url: str, identifier: str) -> tuple[str, str]:
    """The call's row on `url` as the "rows" cache serves it, then written anew."""
    kept = card_of(client.get(url).text, identifier)
    caches["rows"].clear()
    return kept, card_of(client.get(url).text, identifier)


def change_call(call, **values) -> None:
    """A change made behind the portal's back: no version bumped, no signal sent."""
    type(call).objects.filter(pk=call.pk).update(**values)


def change_deadline(call, **values) -> None:
    deadline = call.deadlines.get()
    type(deadline).objects.filter(pk=deadline.pk).update(**values)


ROW_CHANGES = {
    "identifier": lambda call: change_call(call, identifier="TESTF-2025-CHANGED-01"),
    "title": lambda call: change_call(call, title="A changed title"),
    "summary": lambda call: change_call(call, summary="A changed summary"),
    "description": lambda call: change_call(call, description="A changed description"),
    "opening": lambda call: change_call(call, opens_at=datetime(2025, 6, 25, tzinfo=UTC)),
    "cancellation": lambda call: change_call(call, cancelled_at=NOW),
    "budget": lambda call: change_call(call, budget=Decimal("7000000")),
    "shared budget": lambda call: change_call(call, budget_is_shared=True),
    "type of action": lambda call: change_call(call, action_label="A changed type of action"),
    "grant size": lambda call: change_call(call, min_contribution=10_000, max_contribution=90_000),
    "deadline": lambda call: change_deadline(call, due_at=deadline_on(date(2025, 7, 2))),
    "deadline label": lambda call: change_deadline(call, label="Full proposal"),
    "fund": lambda call: type(call.programme.fund).objects.update(code="NEWF"),
}


@pytest.mark.parametrize("change", ROW_CHANGES)
@time_machine.travel(NOW, tick=False)
def test_a_kept_row_is_the_row_written_now_after_any_change(client, db, change):
    """Rows are kept once written (the "rows" cache) under a key holding all they show:
    after a change to anything a row shows, even one made behind the portal's back,
    the list shows the row as it would be written now."""
    call = CallFactory(
        summary="",
        description="The first description",
        budget=5_000_000,
        deadlines=[deadline_on(date(2025, 7, 1))],
    )
    url = f"{reverse('call_list')}?status=open&status=forthcoming&status=cancelled"
    before, _ = kept_and_fresh_rows(client, url, call.identifier)
    card_of(client.get(url).text, call.identifier)  # kept again

    ROW_CHANGES[change](call)
    call.refresh_from_db()
    kept, fresh = kept_and_fresh_rows(client, url, call.identifier)
    assert kept == fresh
    assert kept != before


@time_machine.travel(NOW, tick=False)
def test_a_kept_row_follows_the_time_left_and_the_language(client, db):
    call = CallFactory(deadlines=[deadline_on(NOW.date())])  # 17:00 Brussels, 15:00 UTC
    url = reverse("call_list")
    assert "6 hours left" in card_of(client.get(url).text, call.identifier)
    with time_machine.travel(NOW + timedelta(minutes=50), tick=False):  # within the hour kept
        assert "5 hours left" in card_of(client.get(url).text, call.identifier)
    with translation.override("fr"):  # the request leaves French on: put English back after
        kept, fresh = kept_and_fresh_rows(client, reverse("call_list"), call.identifier)
    assert kept == fresh
    assert "6 heures restantes" in kept


@time_machine.travel(NOW, tick=False)
def test_rows_are_kept_once_written(client, db):
    CallFactory(deadlines=[deadline_on(date(2025, 7, 1))])
    client.get(reverse("call_list"))
    key = next(iter(caches["rows"]._cache))
    assert key.startswith(":1:template.cache.call_row.")


@pytest.mark.parametrize("query", ["", "?programme=amif-2021-2027&fund=AMIF&closes_before=x"])
def test_the_filters_are_written_as_djangos_templates_write_them(db, query):
    """The filter form's lists and dates are written in Python (calls/filters.py): the
    same elements, attributes and options as Django's widget templates give."""
    from html.parser import HTMLParser

    from django import forms
    from django.http import QueryDict

    from calls.filters import CallFilter

    def elements(html: str) -> list:
        found = []

        class Parser(HTMLParser):
            def handle_starttag(self, tag, attrs):
                found.append((tag, sorted(attrs)))

            def handle_data(self, data):
                if data.strip():
                    found.append(data.strip())

        Parser().feed(html)
        return found

    form = CallFilter(QueryDict(query.lstrip("?"))).form
    for name in (
        "fund",
        "programme",
        "eligible",
        "theme",
        "action",
        "source",
        "sort",
        "closes_before",
    ):
        field = form[name]
        django_widget = forms.DateInput if name == "closes_before" else forms.Select
        reference = copy(field.field.widget)
        reference.__class__ = type(
            "Reference", (django_widget,), {"input_type": reference.input_type}
        )
        assert elements(str(field)) == elements(field.as_widget(widget=reference))
