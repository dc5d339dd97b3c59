"""/calls/<identifier>/: every field of a call, its status and its dates in Brussels time."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("demo")


def page(client, identifier: str):
    return client.get(reverse("call_detail", args=[identifier]))


def test_a_seed_call_shows_every_field(client):
    response = page(client, "AMIF-2024-TF2-AG-THB-01")
    assert response.status_code == 200
    text = response.text
    for fact in [
        "Call for proposals on the assistance, support and integration of third country national "
        "victims of trafficking in human beings",
        "AMIF-2024-TF2-AG-THB-01",
        "AMIF-2024-TF2-AG-THB",  # its parent call
        "33804",
        "Action grant",
        "Asylum, Migration and Integration Fund (2021-2027)",
        "21 May 2024, 00:00",
        "21 August 2024, 17:00",
        "Brussels time",
        "This call aims at strengthening the actions of relevant stakeholders",
        "Ministry of Interior",
        "Doris Constantinou",
        '<a href="tel:+35722409904">+357 22 409904</a>',
        "Christina Hadjieconomou",
        '<a href="tel:+35722409944">+357 22 409944</a>',
        "Migration and Home Affairs",
        '<a href="tel:+3222991111">+32 2 299 11 11</a>',
        "Commission switchboard",
    ]:
        assert fact in text, fact
    assert reverse("programme_detail", args=["amif-2021-2027"]) in text
    assert "Closed" in text
    assert '<time datetime="2024-08-21T17:00:00+02:00"' in text


def test_paragraphs_and_objectives_are_kept(client):
    text = page(client, "AMIF-2023-TF2-AG-CALL-03-EDUCATION").text
    assert "<p>This can be achieved through the following specific objectives:</p>" in text
    assert "<li>providing adapted and balanced language reception/introduction classes" in text
    assert text.count("<p>The general objective of the topic") == 1


@time_machine.travel(datetime(2024, 8, 21, 14, 59, tzinfo=UTC), tick=False)
def test_the_status_follows_the_clock(client):
    assert "Open" in page(client, "AMIF-2024-TF2-AG-THB-01").text


def test_an_unknown_identifier_is_not_found(client):
    assert page(client, "AMIF-1999-NOPE").status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    # The call, its deadlines, objectives, documents, changes since publication, contact
    # points and their persons, its national contact points, who can apply (the call's or
    # its programme's participant types, and themes: one list of each, as the call's flags
    # say), its parent call, the parent's other topics and their deadlines, the related
    # calls (the ids of the other topics and of the programme's newest calls, then those
    # calls) and their deadlines.
    with django_assert_max_num_queries(16):
        page(client, "AMIF-2024-TF2-AG-THB-01")
