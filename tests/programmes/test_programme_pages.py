"""/programmes/ and /programmes/<slug>/ show the programme facts of the source pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from foundation.brussels import deadline_on, opening_on
from programmes.views import CLOSED_CALLS_SHOWN, LIVE_CALLS_SHOWN
from tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.usefixtures("demo")


def test_the_list_shows_every_programme(client):
    response = client.get(reverse("programme_list"))
    assert response.status_code == 200
    for title in [
        "Asylum, Migration and Integration Fund (2021-2027)",
        "Internal Security Fund for Police Cooperation (ISF-Police)",
        "Internal Security Fund for Borders and Visa (ISF-Borders)",
        "NDICI-Global Europe",
        "Instrument for pre-accession assistance (IPA III)",
    ]:
        assert title in response.text
    assert "EUR 9.9 billion" in response.text


def test_the_amif_programme_page(client):
    response = client.get(reverse("programme_detail", args=["amif-2021-2027"]))
    assert response.status_code == 200
    text = response.text
    for fact in [
        "EUR 9.9 billion",
        "2021-2027",
        "DG HOME",
        "to strengthen and develop all aspects of the common European asylum system",
        "supporting assisted voluntary return and reintegration",
        "Migration and Citizenship",
        "Researchers/Research Centers/Institutions",
        "State-owned Enterprises",
        "Ministry of Interior",
        "Doris Constantinou",
        '<a href="tel:+35722409904">+357 22 409904</a>',
        "Christina Hadjieconomou",
        '<a href="tel:+35722409944">+357 22 409944</a>',
        '<a href="tel:+3222991111">+32 2 299 11 11</a>',
        "Commission switchboard",
        "AMIF-2022-AG-CALL-THB",
    ]:
        assert fact in text, fact
    assert text.count('class="call-row"') == 9


def test_an_unknown_programme_is_not_found(client):
    assert client.get(reverse("programme_detail", args=["nope"])).status_code == 404


@pytest.mark.parametrize(
    ("url", "max_queries"),
    [(reverse("programme_list"), 2), (reverse("programme_detail", args=["amif-2021-2027"]), 10)],
)
def test_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, url, max_queries
):
    with django_assert_max_num_queries(max_queries):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_the_page_lists_live_calls_and_the_latest_closed_ones_then_links_to_the_rest(client):
    programme = ProgrammeFactory()
    today = date.today()
    live = CallFactory(
        programme=programme,
        opens_at=opening_on(today - timedelta(days=3)),
        deadlines=[deadline_on(today + timedelta(days=30))],
    )
    closed = [
        CallFactory(
            programme=programme,
            opens_at=opening_on(date(2020, 1, 1)),
            deadlines=[deadline_on(date(2020, 3, 1) + timedelta(days=n))],
        )
        for n in range(CLOSED_CALLS_SHOWN + 2)
    ]
    response = client.get(reverse("programme_detail", args=[programme.slug]))
    shown = [call.identifier for call in response.context["calls"]]
    latest = [call.identifier for call in reversed(closed)][:CLOSED_CALLS_SHOWN]
    assert shown == [live.identifier, *latest]
    assert f'?programme={programme.slug}&amp;status=closed"' in response.text

    closed[0].delete()
    closed[1].delete()  # exactly CLOSED_CALLS_SHOWN closed calls: all shown, no link
    response = client.get(reverse("programme_detail", args=[programme.slug]))
    assert len(response.context["calls"]) == CLOSED_CALLS_SHOWN + 1
    assert "status=closed" not in response.text


@pytest.mark.django_db
def test_the_page_lists_the_live_calls_closing_soonest_then_links_to_them_all(client):
    programme = ProgrammeFactory()
    today = date.today()
    opened = opening_on(today - timedelta(days=3))
    live = [
        CallFactory(
            programme=programme,
            opens_at=opened,
            deadlines=[deadline_on(today + timedelta(days=10 + n))],
        )
        for n in range(LIVE_CALLS_SHOWN + 1)
    ]
    forthcoming = {"opens_at": opening_on(today + timedelta(days=3))}
    CallFactory(
        programme=programme, deadlines=[deadline_on(today + timedelta(days=90))], **forthcoming
    )
    url = reverse("programme_detail", args=[programme.slug])

    response = client.get(url)
    shown = [call.identifier for call in response.context["calls"]]
    assert shown == [call.identifier for call in live[:LIVE_CALLS_SHOWN]]
    link = f'href="/calls/?programme={programme.slug}">All {LIVE_CALLS_SHOWN + 2} open and'
    assert link in response.text

    live[0].delete()
    live[1].delete()  # exactly LIVE_CALLS_SHOWN live calls: all shown, no link
    response = client.get(url)
    assert len(response.context["calls"]) == LIVE_CALLS_SHOWN
    assert f'href="/calls/?programme={programme.slug}"' not in response.text
