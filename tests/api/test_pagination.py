"""Cursor pagination: `next` and `previous` links, `page_size` from 1 to 100."""

import base64

import pytest

from tests.factories import CallFactory

URL = "/api/v1/calls/"


@pytest.fixture
def calls(db):
    return [CallFactory(identifier=f"TESTF-2025-AG-P{n:02d}") for n in range(7)]


def page(api, url, params=None):
    response = api.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    return [c["identifier"] for c in body["results"]], body["next"], body["previous"]


def test_next_links_walk_every_call_once_and_previous_walks_back(api, calls):
    seen, url, params = [], URL, {"page_size": 3, "ordering": "identifier"}
    pages = []
    while url:
        found, url, _ = page(api, url, params)
        params = None  # the links carry every parameter
        pages.append(found)
        seen += found
    assert seen == sorted(c.identifier for c in calls)
    assert [len(p) for p in pages] == [3, 3, 1]
    _, next_url, _ = page(api, URL, {"page_size": 3, "ordering": "identifier"})
    _, _, previous_url = page(api, next_url)
    assert page(api, previous_url)[0] == pages[0]


def test_a_call_added_while_paging_does_not_shift_the_pages(api, calls):
    first, next_url, _ = page(api, URL, {"page_size": 3, "ordering": "identifier"})
    CallFactory(identifier="TESTF-2025-AG-P00A")  # sorts into the first page
    second, _, _ = page(api, next_url)
    assert second == ["TESTF-2025-AG-P03", "TESTF-2025-AG-P04", "TESTF-2025-AG-P05"]


def test_the_default_page_size_is_25(api, db):
    for n in range(26):
        CallFactory(identifier=f"TESTF-2025-AG-D{n:02d}")
    found, next_url, previous_url = page(api, URL)
    assert (len(found), previous_url) == (25, None)
    assert next_url.startswith("http://127.0.0.1/api/v1/calls/?cursor=")


@pytest.mark.parametrize("size", ["0", "101", "-1", "ten", "1.5"])
def test_a_page_size_out_of_range_is_400(api, calls, size):
    response = api.get(URL, {"page_size": size})
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


def test_page_size_100_is_allowed(api, calls):
    assert len(page(api, URL, {"page_size": 100})[0]) == 7


@pytest.mark.parametrize("cursor", ["garbage", "cD1ub3QtYS1kYXRl", "w6k="])
def test_an_invalid_cursor_is_404(api, calls, cursor):
    # Not base64; "p=not-a-date" for the updated_at ordering; not ASCII.
    response = api.get(URL, {"cursor": cursor})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


@pytest.mark.parametrize("cursor", ["garbage", "!!!", "w6k="])
def test_the_csv_refuses_an_invalid_cursor_as_a_page_does(api, calls, cursor):
    response = api.get(URL, {"cursor": cursor, "format": "csv"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}


@pytest.mark.parametrize(
    "cursor", ["", "!!!", "bm90aGluZw", "eD0x", base64.b64encode(b"x=1").decode()]
)
def test_a_cursor_that_does_not_decode_is_404(api, cursor):
    response = api.get("/api/v1/funds/", {"cursor": cursor})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid cursor"}
