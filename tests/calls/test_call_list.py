"""/calls/: the list of calls, filtered by status, in a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from foundation.brussels import deadline_on, opening_on
from tests.factories import CallFactory, ProgrammeFactory

URL = reverse("call_list")
SEED_CALL = "AMIF-2024-TF2-AG-THB-01"  # open from 21 May to 21 August 2024
JUNE_2024 = datetime(2024, 6, 1, 10, tzinfo=UTC)
OPEN_UNTIL = datetime(2099, 6, 30, 15, tzinfo=UTC)


def identifiers(response) -> list[str]:
    return [call.identifier for call in response.context["page"].object_list]


@pytest.mark.usefixtures("demo")
def test_closed_seed_calls_are_listed_when_asked_for(client):
    response = client.get(URL, {"status": "closed"})
    assert response.status_code == 200
    assert len(identifiers(response)) == 9
    assert "9 calls found" in response.text
    assert identifiers(response)[0] == SEED_CALL  # the most recently closed first


@pytest.mark.usefixtures("demo")
@time_machine.travel(JUNE_2024, tick=False)
def test_the_default_shows_open_and_forthcoming_calls_only(client):
    response = client.get(URL)
    assert identifiers(response) == [SEED_CALL]
    assert "Open" in response.text
    assert 'value="open" checked' in response.text
    assert 'value="closed" checked' not in response.text


@pytest.mark.usefixtures("demo")
def test_today_no_seed_call_is_open_and_the_page_says_so(client):
    response = client.get(URL, {"status": "open"})
    assert identifiers(response) == []
    assert "No call matches" in response.text


@pytest.mark.django_db
def test_status_can_be_repeated_and_unknown_values_are_ignored(client):
    programme = ProgrammeFactory()
    today = date.today()
    open_call = CallFactory(
        programme=programme,
        opens_at=opening_on(today - timedelta(days=5)),
        deadlines=[deadline_on(today + timedelta(days=5))],
    )
    forthcoming = CallFactory(
        programme=programme,
        opens_at=opening_on(today + timedelta(days=5)),
        deadlines=[deadline_on(today + timedelta(days=50))],
    )
    closed = CallFactory(
        programme=programme,
        opens_at=opening_on(today - timedelta(days=50)),
        deadlines=[deadline_on(today - timedelta(days=5))],
    )
    both = client.get(URL + "?status=open&status=closed")
    assert set(identifiers(both)) == {open_call.identifier, closed.identifier}
    unknown = client.get(URL, {"status": "sideways"})
    assert set(identifiers(unknown)) == {open_call.identifier, forthcoming.identifier}


@pytest.mark.django_db
def test_pages_keep_the_status_filter(client, settings):
    settings.CALLS_PER_PAGE = 2
    CallFactory.create_batch(3, opens_at=opening_on(date(2020, 1, 1)))
    response = client.get(URL, {"status": "closed"})
    assert "status=closed&amp;page=2" in response.text
    assert len(identifiers(client.get(URL, {"status": "closed", "page": 2}))) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("number_of_calls", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, number_of_calls
):
    programme = ProgrammeFactory()
    CallFactory.create_batch(
        number_of_calls, programme=programme, opens_at=opening_on(date(2020, 1, 1))
    )
    # Choices of the fund, programme, eligibility, theme and type-of-action filters (5),
    # the counts per status and programme and the programmes' funds (2, which give the
    # number of results), the ids of the page, those calls with programme and fund, their
    # deadlines.
    with django_assert_num_queries(10):
        response = client.get(URL, {"status": "closed"})
    assert len(identifiers(response)) == min(number_of_calls, 25)
    # The choices are kept (calls/filter_choices.py).
    with django_assert_num_queries(5):
        assert len(identifiers(client.get(URL, {"status": "closed"}))) == min(number_of_calls, 25)


@pytest.mark.django_db
@pytest.mark.parametrize("number_of_calls", [3, 30])
def test_a_search_for_a_code_counts_the_calls_with_the_ids_of_the_page(
    client, django_assert_num_queries, number_of_calls, settings
):
    """Calls found by their identifier code whatever their status are not in the counts
    per status, so the number found comes with the page's ids, from the same query."""
    settings.CALLS_PER_PAGE = 10
    CallFactory.create_batch(number_of_calls, opens_at=opening_on(date(2020, 1, 1)))
    client.get(URL)  # the filters' choices are kept
    # The call named exactly by the code, if any; the calls whose identifier contains it
    # (by id in the other queries); the counts per status and programme and the
    # programmes' funds; the ids of the page with the number found; those calls; their
    # deadlines.
    with django_assert_num_queries(7):
        response = client.get(URL, {"q": "testf 2025 ag"})
    assert response.context["page"].paginator.count == number_of_calls
    assert f"{number_of_calls} calls found" in response.text
    assert len(identifiers(response)) == min(number_of_calls, 10)


@pytest.mark.django_db
def test_every_page_of_a_search_for_a_code_tells_how_many_were_found(client, settings):
    settings.CALLS_PER_PAGE = 10
    CallFactory.create_batch(23, opens_at=opening_on(date(2020, 1, 1)))
    found = []
    for page in (1, 2, 3):
        response = client.get(URL, {"q": "testf 2025 ag", "page": page})
        assert response.context["page"].paginator.count == 23
        found += identifiers(response)
    assert len(set(found)) == 23
    # A page past the last one, or not a number, shows the last or the first.
    last = client.get(URL, {"q": "testf 2025 ag", "page": 9})
    assert last.context["page"].number == 3 and len(identifiers(last)) == 3
    assert client.get(URL, {"q": "testf 2025 ag", "page": "x"}).context["page"].number == 1
    nothing = client.get(URL, {"q": "testf 2030 ag"})
    assert nothing.context["page"].paginator.count == 0 and "0 calls found" in nothing.text


@pytest.mark.django_db
@pytest.mark.parametrize("read_by_id", [2, 200])
def test_calls_found_by_their_code_are_all_listed_however_many(client, monkeypatch, read_by_id):
    """The calls whose identifier contains the code are read by id when they are at most
    CODE_MATCHES_READ, else searched by identifier: the same calls either way, closed
    ones included, beside the open calls found by their words."""
    monkeypatch.setattr("calls.filters.CODE_MATCHES_READ", read_by_id)
    CallFactory.create_batch(5, opens_at=opening_on(date(2020, 1, 1)))  # closed
    CallFactory(identifier="TESTF-2026-OTHER", title="Testf 2025 ag", deadlines=[OPEN_UNTIL])
    CallFactory(identifier="TESTF-2026-SHUT", title="Testf 2025 ag")  # closed: not listed
    response = client.get(URL, {"q": "testf 2025 ag"})
    listed = identifiers(response)
    assert len(listed) == 6 and response.context["page"].paginator.count == 6
    assert "TESTF-2026-OTHER" in listed and "TESTF-2026-SHUT" not in listed
