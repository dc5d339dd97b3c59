"""The home page: open calls closing soonest, forthcoming calls and the funds."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("demo")


@time_machine.travel(datetime(2024, 6, 1, tzinfo=UTC), tick=False)
def test_home_shows_the_open_call_and_the_funds(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [c.identifier for c in response.context["open_calls"]] == ["AMIF-2024-TF2-AG-THB-01"]
    for code in ["AMIF", "ISF-Police", "ISF-Borders", "NDICI-Global Europe", "IPA III"]:
        assert code in response.text
    assert reverse("call_list") in response.text


@time_machine.travel(datetime(2024, 5, 1, tzinfo=UTC), tick=False)
def test_home_shows_a_forthcoming_call(client):
    response = client.get(reverse("home"))
    assert [c.identifier for c in response.context["forthcoming_calls"]] == [
        "AMIF-2024-TF2-AG-THB-01"
    ]


def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # With nothing open (the demo data today), the recently closed calls and their
    # deadlines too. The open and forthcoming lists read their ids first (sorting no wide
    # row), and the funds' numbers come from the counts per programme (reading no closed
    # call): two queries more than when both read every call, however many there are.
    with django_assert_max_num_queries(9):
        client.get(reverse("home"))


def test_pages_have_one_h1_a_skip_link_and_landmarks(client):
    for url in [reverse("home"), reverse("call_list"), reverse("programme_list")]:
        text = client.get(url).text
        assert text.count("<h1") == 1, url
        assert 'href="#main"' in text
        assert '<main id="main"' in text
        assert "<nav" in text and "<footer" in text
