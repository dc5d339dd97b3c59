"""Calls as CSV: ?format=csv or Accept: text/csv, the same filters, every matching call."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine

from api.renderers import COLUMNS
from foundation.brussels import deadline_on, opening_on
from tests.factories import CallFactory

URL = "/api/v1/calls/"


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for spreadsheets"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def calls(db):
    CallFactory(
        identifier="TESTF-2025-AG-CSV-OPEN",
        title='=HYPERLINK("http://evil.example")',
        opens_at=opening_on(date(2025, 1, 1)),
        deadlines=[deadline_on(date(2025, 3, 1)), deadline_on(date(2025, 6, 1))],
    )
    for n in range(30):
        CallFactory(
            identifier=f"TESTF-2024-AG-CSV-{n:02d}",
            opens_at=opening_on(date(2024, 1, 1)),
            deadlines=[deadline_on(date(2024, 3, 1))],
        )


@time_machine.travel(datetime(2025, 2, 1, tzinfo=UTC), tick=False)
def test_csv_lists_every_matching_call_without_pages(api, calls):
    found = rows(api.get(URL, {"format": "csv"}))
    assert len(found) == 31  # more than a page
    assert list(found[0]) == COLUMNS
    assert rows(api.get(URL, {"format": "csv", "status": "closed"}))[0]["status"] == "closed"
    [open_call] = rows(api.get(URL, {"format": "csv", "status": "open"}))
    assert open_call["identifier"] == "TESTF-2025-AG-CSV-OPEN"
    assert open_call["deadlines"] == "2025-03-01T17:00:00+01:00; 2025-06-01T17:00:00+02:00"
    assert open_call["closes_at"] == "2025-03-01T17:00:00+01:00"
    assert open_call["url"] == "https://funding.example.eu/calls/TESTF-2025-AG-CSV-OPEN/"
    assert open_call["fund"] == "TESTF"


def test_accept_text_csv_gives_csv_too(api, calls):
    response = api.get(URL, {"q": "CSV-0"}, HTTP_ACCEPT="text/csv")
    assert len(rows(response)) == 10
    assert response["Content-Disposition"] == 'attachment; filename="calls.csv"'


def test_a_formula_is_shown_not_run(api, calls):
    [call] = rows(api.get(URL, {"format": "csv", "q": "HYPERLINK"}))
    assert call["title"] == '\'=HYPERLINK("http://evil.example")'


def test_errors_stay_json_when_csv_is_asked_for(api, calls):
    response = api.get(URL, {"format": "csv", "status": "someday"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "status" in response.json()


def test_one_call_as_csv(api, calls):
    [call] = rows(api.get(f"{URL}TESTF-2024-AG-CSV-01/", {"format": "csv"}))
    assert call["identifier"] == "TESTF-2024-AG-CSV-01"


def test_other_resources_have_no_csv(api, calls):
    assert api.get("/api/v1/funds/", {"format": "csv"}).status_code == 404
    assert api.get("/api/v1/funds/", HTTP_ACCEPT="text/csv").status_code == 406
