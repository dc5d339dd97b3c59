"""Identifier codes first, whatever the status; call URLs in any case; empty results that
say what the filters hide (issue 13)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from calls.models import Call
from portal.views import SEARCH_EXAMPLES

pytestmark = pytest.mark.usefixtures("demo")
URL = reverse("call_list")
THB = "AMIF-2024-TF2-AG-THB-01"


def found(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [call.identifier for call in response.context["page"].object_list]


@pytest.mark.parametrize(
    "q", [THB, THB.lower(), "AMIF 2024 TF2 AG THB 01", "amif_2024_tf2_ag_thb_01", f"  {THB} "]
)
def test_an_identifier_code_in_full_goes_to_the_call_whatever_its_status(client, q):
    response = client.get(URL, {"q": q})  # the call is closed; the default shows open ones
    assert response.status_code == 302
    assert response["Location"] == reverse("call_detail", args=[THB])


TOPICS_2023 = {
    f"AMIF-2023-TF2-AG-CALL-{topic}"
    for topic in (
        "01-SPONSORSHIP",
        "02-LOCAL",
        "03-EDUCATION",
        "04-LABOUR",
        "05-PATHWAYS",
        "06-CHILDREN",
    )
}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("AMIF 2024 TF2", {THB}),
        ("AMIF_2024", {THB}),
        ("amif-2023-tf2-ag-call-05", {"AMIF-2023-TF2-AG-CALL-05-PATHWAYS"}),
        ("call-thb", {"AMIF-2022-AG-CALL-THB"}),
        ("TF2-AG-CALL-0", TOPICS_2023),
    ],
)
def test_a_piece_of_an_identifier_finds_its_calls_whatever_their_status(client, q, expected):
    hits = found(client, q=q)  # all demo calls are closed; the default shows open ones
    assert set(hits[: len(expected)]) == expected


@time_machine.travel(datetime(2023, 3, 1, tzinfo=UTC), tick=False)
def test_identifier_matches_come_before_word_matches(client):
    # In March 2023 the six 2023 topics are open; the 2022 calls are closed.
    hits = found(client, q="AMIF-2022")
    assert set(hits) == {"AMIF-2022-TF1-AG-INFO", "AMIF-2022-AG-CALL-THB"}
    assert found(client, q="AMIF-2022", status="open") == hits  # not hidden by the status


def test_call_urls_answer_in_any_case(client):
    response = client.get(f"/calls/{THB.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == reverse("call_detail", args=[THB])
    assert client.get(f"/calls/{THB.replace('-', '_').lower()}/").status_code == 301
    calendar = client.get(f"/calls/{THB.lower()}.ics")
    assert calendar.status_code == 301
    assert calendar["Location"] == reverse("call_calendar", args=[THB])
    assert client.get("/calls/amif-1999-nothing/").status_code == 404


def test_an_empty_result_links_to_the_matches_of_other_statuses(client):
    response = client.get(URL, {"q": "trafficking"})
    assert response.context["page"].paginator.count == 0
    assert response.context["hidden_matches"] == [("closed", 2)]
    assert "2 closed calls match: show them" in response.text
    assert "?q=trafficking&amp;status=closed" in response.text
    assert len(found(client, q="trafficking", status="closed")) == 2


def test_no_link_when_nothing_matches_anywhere(client):
    response = client.get(URL, {"q": "photosynthesis"})
    assert response.context["hidden_matches"] == []
    assert "No call matches your search" in response.text


@pytest.mark.parametrize("example", SEARCH_EXAMPLES)
def test_the_home_page_examples_find_calls_in_the_demo_data(client, example):
    home = client.get(reverse("home"))
    link = f"{URL}?q={example.replace(' ', '%20')}"
    assert f'href="{link}"' in home.text
    response = client.get(link, follow=True)
    page = response.context.get("page")
    shown = page.paginator.count if page else 1  # a redirect to the call itself
    if not shown:
        _, count = response.context["hidden_matches"][0]
        assert count > 0
    assert Call.objects.search(example).exists()
