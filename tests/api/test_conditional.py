"""ETag and Last-Modified on lists and details; 304 on If-None-Match and If-Modified-Since."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils.http import http_date

from calls.models import Call
from foundation.brussels import deadline_on
from tests.factories import CallFactory

URLS = [
    "/api/v1/calls/",
    "/api/v1/calls/TESTF-2025-AG-C01/",
    "/api/v1/funds/",
    "/api/v1/funds/TESTF/",
]
START = datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def call(db):
    return CallFactory(identifier="TESTF-2025-AG-C01")


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.mark.parametrize("url", URLS)
def test_reads_carry_validators_and_answer_304_to_either(api, call, clock, url):
    response = api.get(url)
    assert response.status_code == 200
    etag, last_modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and last_modified == http_date(START.timestamp())
    # Anonymous reads may be kept a while by shared caches (portal/http_cache.py); the
    # validators let them ask again cheaply after.
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert {"Accept", "Authorization"} <= {v.strip() for v in response["Vary"].split(",")}

    not_modified = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert not_modified["ETag"] == etag
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert api.get(url, HTTP_IF_NONE_MATCH='"other", ' + etag).status_code == 304
    assert api.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    earlier = http_date((START - timedelta(seconds=1)).timestamp())
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_an_edit_changes_the_etag_and_last_modified(api, call, clock):
    url = "/api/v1/calls/TESTF-2025-AG-C01/"
    before = api.get(url)
    clock.shift(timedelta(minutes=5))
    Call.objects.filter(pk=call.pk).update(title="Changed")
    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after["Last-Modified"] == http_date((START + timedelta(minutes=5)).timestamp())
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"]).status_code == 200


def test_a_passing_deadline_changes_the_list_though_no_row_changed(api, db):
    CallFactory(identifier="TESTF-2025-AG-C02", deadlines=[deadline_on(date(2025, 3, 2))])
    with time_machine.travel(START, tick=False) as clock:
        open_list = api.get("/api/v1/calls/", {"status": "open"})
        assert len(open_list.json()["results"]) == 1
        clock.shift(timedelta(days=2))
        later = api.get(
            "/api/v1/calls/",
            {"status": "open"},
            HTTP_IF_NONE_MATCH=open_list["ETag"],
            HTTP_IF_MODIFIED_SINCE=open_list["Last-Modified"],
        )
    assert later.status_code == 200
    assert later.json()["results"] == []


def test_json_and_csv_have_different_etags(api, call):
    json_etag = api.get("/api/v1/calls/TESTF-2025-AG-C01/")["ETag"]
    csv = api.get("/api/v1/calls/TESTF-2025-AG-C01/", {"format": "csv"})
    assert csv["ETag"] != json_etag


def test_errors_and_writes_carry_no_validators(api, call):
    assert "ETag" not in api.get("/api/v1/calls/NOPE-01/")
    assert "ETag" not in api.get("/api/v1/calls/", {"status": "x"})
