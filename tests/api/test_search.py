"""A search (`q`) through the API says what /calls/ says under its results, from the same
functions (calls/filters.py, calls/search_suggestions.py): the matches the status filter
hides, with the URL that shows them, and "Did you mean ...?" (issue 13), on both
databases."""

from urllib.parse import parse_qs, urlsplit

import pytest

URL = "/api/v1/calls/"

pytestmark = pytest.mark.usefixtures("demo")


def _query(url: str) -> dict:
    parts = urlsplit(url)
    assert parts.path == URL
    return parse_qs(parts.query)


def test_matches_hidden_by_the_status_are_counted_with_their_url(api, client):
    answer = api.get(URL, {"q": "trafficking", "status": "open"}).json()

    assert answer["results"] == []
    [hidden] = answer["search"]["hidden"]
    assert (hidden["status"], hidden["count"]) == ("closed", 2)
    assert _query(hidden["url"]) == {"q": ["trafficking"], "status": ["closed"]}
    page = client.get("/calls/", {"q": "trafficking", "status": "open"})
    assert page.context["hidden_matches"] == [("closed", 2)]  # what the page says
    shown = api.get(hidden["url"]).json()
    assert len(shown["results"]) == 2 and shown["search"]["hidden"] == []


def test_a_misspelt_search_that_finds_nothing_suggests_a_spelling(api):
    search = api.get(URL, {"q": "trafficing", "fund": "AMIF"}).json()["search"]

    assert (search["hidden"], search["suggestion"]) == ([], "trafficking")
    assert _query(search["suggestion_url"]) == {"q": ["trafficking"], "fund": ["AMIF"]}
    assert len(api.get(search["suggestion_url"]).json()["results"]) == 2


@pytest.mark.parametrize("q", ["children", "trafficking", "photosynthesis"])
def test_no_suggestion_when_the_words_find_calls_or_nothing_is_near(api, q):
    search = api.get(URL, {"q": q}).json()["search"]  # every status: nothing hidden

    assert search == {"hidden": [], "suggestion": "", "suggestion_url": None}


def test_a_list_without_q_has_no_search(api):
    assert "search" not in api.get(URL, {"status": "open"}).json()


def test_the_schema_describes_the_search(api):
    schemas = api.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    page = schemas["PaginatedCallList"]["properties"]["search"]

    assert set(page["required"]) == {"hidden", "suggestion", "suggestion_url"}
