"""Searching and filtering /calls/: the words, the identifier codes, the filters and the order.

Full-text search with stemming and ranking runs on both databases (tsvector on PostgreSQL,
FTS5 on SQLite); tests/calls/test_search_queries.py holds the table of searches both answer.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from calls.filters import CallFilter

pytestmark = pytest.mark.usefixtures("demo")
URL = reverse("call_list")


def found(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [call.identifier for call in response.context["page"].object_list]


def test_a_word_only_in_a_description_finds_its_call(client):
    # "guardians" appears only in the description of the children topic.
    assert found(client, q="guardians", status="closed") == ["AMIF-2023-TF2-AG-CALL-06-CHILDREN"]


def test_words_are_matched_with_stemming(client):
    # The description says "perceptions"; the search says "perception".
    assert found(client, q="perception", status="closed") == ["AMIF-2022-TF1-AG-INFO"]


def test_search_understands_phrases_and_exclusions(client):
    trafficking = found(client, q="trafficking", status="closed")
    assert set(trafficking) == {"AMIF-2024-TF2-AG-THB-01", "AMIF-2022-AG-CALL-THB"}
    assert found(client, q="trafficking -directive", status="closed") == ["AMIF-2022-AG-CALL-THB"]


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("AMIF-2022-TF1-AG", "AMIF-2022-TF1-AG-INFO"),  # in full, it goes to the call
        ("amif-2023-tf2-ag-call-05", "AMIF-2023-TF2-AG-CALL-05-PATHWAYS"),
        ("CALL-THB", "AMIF-2022-AG-CALL-THB"),
    ],
)
def test_an_identifier_code_is_the_first_hit(client, q, first):
    assert found(client, q=q, status="closed")[0] == first


def test_the_default_excludes_closed_calls(client):
    assert found(client, q="trafficking") == []


@time_machine.travel(datetime(2024, 6, 1, tzinfo=UTC), tick=False)
def test_filters_combine(client):
    assert found(client, fund="AMIF", theme="migration-and-citizenship", eligible="ngos") == [
        "AMIF-2024-TF2-AG-THB-01"
    ]
    assert found(client, fund="AMIF", programme="isf-police") == []
    assert found(client, fund="IPA III") == []


def test_closing_dates_filter_by_deadline_day_in_brussels(client):
    both = found(client, status="closed", closes_after="2022-05-19", closes_before="2022-07-05")
    assert set(both) == {"AMIF-2022-AG-CALL-THB", "AMIF-2022-TF1-AG-INFO"}
    assert found(client, status="closed", closes_after="2024-08-22") == []
    assert found(client, status="closed", closes_before="2022-05-18") == []


def test_sorting(client):
    newest = found(client, status="closed", sort="-opens_at")
    assert newest[0] == "AMIF-2024-TF2-AG-THB-01"
    assert newest[-1] == "AMIF-2022-AG-CALL-THB"
    closing = found(client, status="closed", sort="closes_at")
    assert closing[0] == "AMIF-2024-TF2-AG-THB-01"  # closed most recently
    assert closing[-1] == "AMIF-2022-AG-CALL-THB"


@time_machine.travel(datetime(2023, 3, 1, tzinfo=UTC), tick=False)
def test_counts_per_status_fund_and_closing_soon(client):
    facets = client.get(URL).context["facets"]
    assert facets["status"]["open"] == 6  # the six 2023 topics
    assert facets["status"]["forthcoming"] == 1
    assert facets["status"]["closed"] == 2
    assert facets["fund"] == {"AMIF": 7}
    assert facets["status"]["closing_within_7"] == 0
    with time_machine.travel(datetime(2023, 5, 1, tzinfo=UTC), tick=False):
        assert client.get(URL).context["facets"]["status"]["closing_within_30"] == 6


@time_machine.travel(datetime(2023, 3, 1, tzinfo=UTC), tick=False)
def test_counts_follow_the_other_filters(client):
    facets = client.get(URL, {"fund": "IPA III"}).context["facets"]
    assert facets["status"] == {
        "open": 0,
        "forthcoming": 0,
        "closed": 0,
        "cancelled": 0,
        "closing_within_7": 0,
        "closing_within_30": 0,
    }
    assert facets["fund"] == {"AMIF": 7}  # the fund counts ignore the fund chosen
    closed_only = client.get(URL, {"status": "closed"}).context["facets"]
    assert closed_only["fund"] == {"AMIF": 2}
    assert closed_only["status"]["open"] == 6  # the status counts ignore the statuses chosen


def test_bad_filter_values_are_reported_and_ignored(client):
    response = client.get(URL, {"fund": "NOPE", "closes_after": "someday", "status": "closed"})
    assert response.status_code == 200
    assert "Some filters could not be used" in response.text
    assert len(response.context["page"].object_list) == 9
    errors = CallFilter({"closes_after": "2024-05-01", "closes_before": "2024-04-01"}).form.errors
    assert "closes_before" in errors


def test_the_filters_live_in_the_url(client):
    response = client.get(URL, {"q": "children", "status": "closed", "fund": "AMIF"})
    assert 'value="children"' in response.text
    assert '<option value="AMIF" selected>' in response.text
