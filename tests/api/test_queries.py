"""Every list runs the same few queries for 3 items as for 30 (nothing per item)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import ApiKey
from programmes.models import ContactPerson, ContactPoint, Fund, ParticipantType, Theme
from projects.models import Country, Initiative, NewsItem, Region
from tests.api.conftest import key_client, ncp_of
from tests.factories import CallFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def make_calls(n: int, tag: str):
    programme = ProgrammeFactory()
    programme.themes.add(Theme.objects.get_or_create(name="Return", slug="return")[0])
    ngos = ParticipantType.objects.get_or_create(name="NGOs", slug="ngos")[0]
    programme.eligible_participants.add(ngos)
    for i in range(n):
        CallFactory(programme=programme, identifier=f"TESTF-2025-AG-{tag.upper()}{i:02d}")


def make_programmes(n: int, tag: str):
    for i in range(n):
        programme = ProgrammeFactory(slug=f"{tag}-programme-{i}")
        programme.themes.add(Theme.objects.create(name=f"Theme {tag}{i}", slug=f"t-{tag}{i}"))


def make_funds(n: int, tag: str):
    for i in range(n):
        Fund.objects.create(code=f"{tag}{i}", name=f"Fund {tag}{i}")


# Thirty ISO codes: the first 3 for the few, the next 27 for the many.
CODES = "AL AM AZ BA BY DZ EG GE JO KG KZ LB LY MA MD ME MK NE NG PK RS SN SY TJ TM TN TR UA UZ XK"
CODES = CODES.split()


def _codes(n: int, tag: str) -> list[str]:
    return CODES[:n] if tag == "a" else CODES[3 : 3 + n]


def make_countries(n: int, tag: str):
    region = Region.objects.create(name=f"Region {tag}", slug=f"region-{tag}")
    for code in _codes(n, tag):
        Country.objects.create(code=code, region=region)


def make_regions(n: int, tag: str):
    for i, code in enumerate(_codes(n, tag)):
        region = Region.objects.create(name=f"Region {tag}{i}", slug=f"region-{tag}{i}")
        Country.objects.create(code=code, region=region)


def make_initiatives(n: int, tag: str):
    country = Country.objects.get_or_create(code="TR")[0]
    for i in range(n):
        initiative = Initiative.objects.create(title=f"Initiative {tag}{i}", slug=f"{tag}-init-{i}")
        initiative.countries.add(country)
        initiative.priorities.create(position=0, text="A priority")


def make_news(n: int, tag: str):
    country = Country.objects.get_or_create(code="TR")[0]
    initiative = Initiative.objects.create(title=f"Initiative {tag}", slug=f"{tag}-init")
    for i in range(n):
        item = NewsItem.objects.create(
            slug=f"{tag}-news-{i}", title="News", body="Body", initiative=initiative
        )
        item.countries.add(country)


def make_contact_points(n: int, tag: str):
    programme = ProgrammeFactory()
    for i in range(n):
        point = ContactPoint.objects.create(slug=f"{tag}-cp-{i}", level="eu", name=f"CP {i}")
        ContactPerson.objects.create(contact_point=point, name="Someone")
        programme.contact_points.add(point)


# Each list's queries: the page, plus one per prefetched relation. A page of calls
# carries each call's deadlines, objectives, themes and eligible participants as JSON
# lists in its one query (api.views._PAGE_EXPRESSIONS).
LISTS = {
    "/api/v1/calls/": (make_calls, 1),
    "/api/v1/programmes/": (make_programmes, 6),
    "/api/v1/funds/": (make_funds, 1),
    "/api/v1/countries/": (make_countries, 1),
    "/api/v1/regions/": (make_regions, 2),
    "/api/v1/initiatives/": (make_initiatives, 6),
    "/api/v1/news/": (make_news, 2),
    "/api/v1/contact-points/": (make_contact_points, 3),
}
CALLS_QUERIES = LISTS["/api/v1/calls/"][1]


def count_queries(client, url: str, expected_items: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    assert len(response.json()["results"]) == expected_items
    return len(queries)


@pytest.mark.parametrize("url", LISTS)
def test_a_list_runs_a_fixed_number_of_queries(api, url, django_assert_max_num_queries):
    make, max_queries = LISTS[url]
    api.get(url)  # once, for the database's one-time checks (SQLite: JSON support)
    make(3, "a")
    few = count_queries(api, url, 3)
    make(27, "b")
    with django_assert_max_num_queries(max_queries):
        many = count_queries(api, url, 30)
    assert many == few


def test_a_key_adds_one_query_and_an_ncp_key_none_per_call(django_assert_max_num_queries):
    make_calls(3, "a")
    programme = ProgrammeFactory(slug="mine")
    _, read_only = ApiKey.issue(name="partner")
    _, ncp = ApiKey.issue(name="ncp", user=ncp_of(programme, "ncp"))
    key_client(None).get("/api/v1/calls/")  # the database's one-time checks
    anonymous = count_queries(key_client(None), "/api/v1/calls/", 3)
    key_client(read_only).get("/api/v1/funds/")  # records the key's first use
    assert count_queries(key_client(read_only), "/api/v1/calls/", 3) == anonymous + 1
    make_calls(27, "b")
    key_client(ncp).get("/api/v1/funds/")
    with django_assert_max_num_queries(CALLS_QUERIES + 1):
        count_queries(key_client(ncp), "/api/v1/calls/", 30)


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        assert response.status_code == 200
        # A streamed CSV reads its batches as it is sent.
        assert b"".join(response.streaming_content) if response.streaming else response.content
    return len(queries)


def test_a_call_is_read_in_one_query(api):
    """The detail reads the call, its programme's and fund's keys and every list in one
    row (api.call_representation), whatever the lengths of its lists."""
    make_calls(1, "a")
    url = "/api/v1/calls/TESTF-2025-AG-A00/"
    api.get(url)  # the database's one-time checks
    assert _queries(api, url) == 1
    assert _queries(api, url, {"format": "csv"}) == 1


def test_the_csv_list_reads_the_ids_then_one_query_per_batch(api, monkeypatch):
    from api import call_representation

    monkeypatch.setattr(call_representation, "BATCH", 10)
    make_calls(3, "a")
    api.get("/api/v1/calls/", {"format": "csv"})
    assert _queries(api, "/api/v1/calls/", {"format": "csv"}) == 2
    make_calls(27, "b")
    assert _queries(api, "/api/v1/calls/", {"format": "csv"}) == 1 + 3
