"""/api/v1/calls/: the representation of a call, and every filter and ordering."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from rest_framework import serializers

from api.call_representation import amount_text, moment_text
from api.serializers import CallSerializer
from calls.models import Call
from calls.services import call_cancel
from foundation.brussels import deadline_on, opening_on
from programmes.models import Fund, ParticipantType, Theme
from tests.factories import CallFactory, ProgrammeFactory

URL = "/api/v1/calls/"
SEED_CALL = "AMIF-2024-TF2-AG-THB-01"  # open from 21 May to 21 August 2024
JUNE_2024 = datetime(2024, 6, 1, 10, tzinfo=UTC)
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")


def identifiers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [call["identifier"] for call in response.json()["results"]]


@pytest.mark.usefixtures("demo")
@time_machine.travel(JUNE_2024, tick=False)
def test_a_call_carries_every_field_of_the_contract(api):
    response = api.get(f"{URL}{SEED_CALL}/")
    assert response.status_code == 200
    call = response.json()
    assert set(call) == set(CallSerializer().fields)
    assert {
        "identifier": call["identifier"],
        "code": call["code"],
        "status": call["status"],
        "programme": call["programme"],
        "fund": call["fund"],
        "type_of_action": call["type_of_action"],
        "url": call["url"],
        "closes_at": call["closes_at"],
        "version": call["version"],
    } == {
        "identifier": SEED_CALL,
        "code": 33804,
        "status": "open",
        "programme": "amif-2021-2027",
        "fund": "AMIF",
        "type_of_action": "AG",
        "url": f"https://funding.example.eu/calls/{SEED_CALL}/",
        "closes_at": "2024-08-21T17:00:00+02:00",
        "version": 1,
    }
    assert [d["due_at"] for d in call["deadlines"]] == ["2024-08-21T17:00:00+02:00"]
    assert call["eligible"] and all(set(e) == {"slug", "name"} for e in call["eligible"])
    for field in ("opens_at", "updated_at", "published_at"):
        assert ISO_WITH_OFFSET.match(call[field]), field


@pytest.mark.django_db
def test_the_list_and_the_detail_represent_a_call_alike(api):
    """The list reads a page with its SQL kept per question (api.call_pages), the detail
    with the ORM's; both read each call's lists in the same query (JSONList). Rows are
    made out of their order, so that each list's order is the database's."""
    programme = ProgrammeFactory()
    for slug, name in (("return", "Return"), ("asylum", "Asylum"), ("borders", "Borders")):
        programme.themes.add(Theme.objects.create(slug=slug, name=name))
    for slug, name in (("ngos", "NGOs"), ("cities", "Cities"), ("EU bodies", "EU bodies")):
        programme.eligible_participants.add(ParticipantType.objects.create(slug=slug, name=name))
    late, early = deadline_on(date(2025, 9, 30)), deadline_on(date(2025, 3, 31))
    call = CallFactory(
        programme=programme, identifier="TESTF-2025-AG-MANY", deadlines=[late, early]
    )
    call.objectives.create(position=2, text="Second")
    call.objectives.create(position=1, text="First")
    CallFactory(programme=ProgrammeFactory())  # a call without themes, participants, objectives
    with time_machine.travel(datetime(2025, 2, 1, tzinfo=UTC), tick=False):
        listed = api.get(URL).json()["results"]
        detail = api.get(f"{URL}TESTF-2025-AG-MANY/").json()
    assert detail in listed
    assert [d["due_at"] for d in detail["deadlines"]] == [
        "2025-03-31T17:00:00+02:00",
        "2025-09-30T17:00:00+02:00",
    ]
    assert detail["objectives"] == ["First", "Second"]
    assert [t["slug"] for t in detail["themes"]] == ["asylum", "borders", "return"]
    assert [e["name"] for e in detail["eligible"]] == ["Cities", "EU bodies", "NGOs"]
    other = next(c for c in listed if c["identifier"] != "TESTF-2025-AG-MANY")
    assert (other["objectives"], other["themes"], other["eligible"]) == ([], [], [])


MOMENTS = [
    datetime(2025, 1, 15, 16, 0, tzinfo=UTC),
    datetime(2025, 7, 1, 15, 0, 0, 123456, tzinfo=UTC),
    datetime(2025, 10, 26, 0, 30, tzinfo=UTC),  # 02:30 in Brussels, the first time (CEST)
    datetime(2025, 10, 26, 1, 30, tzinfo=UTC),  # 02:30 in Brussels, the second time (CET)
    opening_on(date(2024, 2, 29)),
]


@pytest.mark.parametrize("zone", ["Europe/Brussels", "UTC", "America/St_Johns"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_dates_are_written_as_drf_writes_them(zone, moment):
    with timezone.override(zone):
        expected = serializers.DateTimeField().to_representation(moment)
        assert moment_text(moment) == expected


@pytest.mark.parametrize(
    "amount", ["0", "0.5", "3000000", "1234567.891", "0.005", "0.015", "9999999999999.99", "1E+3"]
)
def test_amounts_are_written_as_drf_writes_them(amount):
    field = CallSerializer().fields["budget"]
    assert amount_text(Decimal(amount)) == field.to_representation(Decimal(amount))


@pytest.mark.django_db
def test_closes_at_is_the_next_deadline_then_the_last_once_closed(api):
    first, second = deadline_on(date(2025, 3, 1)), deadline_on(date(2025, 6, 30))
    CallFactory(identifier="TESTF-2025-AG-TWO", deadlines=[first, second])
    moments = [
        (datetime(2025, 2, 1, tzinfo=UTC), "open", "2025-03-01T17:00:00+01:00"),
        (datetime(2025, 4, 1, tzinfo=UTC), "open", "2025-06-30T17:00:00+02:00"),
        (datetime(2025, 8, 1, tzinfo=UTC), "closed", "2025-06-30T17:00:00+02:00"),
    ]
    for moment, status, closes_at in moments:
        with time_machine.travel(moment, tick=False):
            call = api.get(f"{URL}TESTF-2025-AG-TWO/").json()
        assert (call["status"], call["closes_at"]) == (status, closes_at)


@pytest.mark.usefixtures("demo")
def test_every_status_is_listed_by_default(api):
    assert len(identifiers(api.get(URL))) == 9  # all closed: the page would show none


@pytest.mark.django_db
def test_drafts_and_scheduled_calls_are_not_public(api):
    CallFactory(identifier="TESTF-2025-AG-DRAFT", published_at=None)
    CallFactory(identifier="TESTF-2025-AG-LATER", published_at=timezone.now() + timedelta(days=1))
    CallFactory(identifier="TESTF-2025-AG-PUBLIC")
    assert identifiers(api.get(URL)) == ["TESTF-2025-AG-PUBLIC"]
    assert api.get(f"{URL}TESTF-2025-AG-DRAFT/").status_code == 404


@pytest.mark.django_db
def test_an_unknown_call_is_404(api):
    assert api.get(f"{URL}NOPE-2025-01/").status_code == 404
    assert api.get(f"{URL}NUL%00/").status_code == 404


@pytest.fixture
def catalogue(db):
    """Calls in two funds and programmes, with themes, participant types and schedules."""
    theme = Theme.objects.create(name="Return", slug="return")
    ngos = ParticipantType.objects.create(name="NGOs", slug="ngos")
    other_fund = Fund.objects.create(code="OTHER", name="Other fund", call_prefix="OTHER")
    programme_a = ProgrammeFactory(slug="programme-a")
    programme_a.themes.add(theme)
    programme_a.eligible_participants.add(ngos)
    programme_b = ProgrammeFactory(slug="programme-b", fund=other_fund)
    other_theme = Theme.objects.create(name="Borders", slug="borders")
    programme_b.themes.add(other_theme)
    make = CallFactory.create
    return {
        "open": make(
            programme=programme_a,
            identifier="TESTF-2025-AG-OPEN",
            title="Reintegration of returnees",
            opens_at=opening_on(date(2025, 1, 1)),
            deadlines=[deadline_on(date(2025, 4, 1))],
        ),
        "forthcoming": make(
            programme=programme_a,
            identifier="TESTF-2025-AG-SOON",
            opens_at=opening_on(date(2025, 5, 1)),
            deadlines=[deadline_on(date(2025, 9, 1))],
        ),
        "closed": make(
            programme=programme_b,
            identifier="OTHER-2024-AG-OLD",
            opens_at=opening_on(date(2024, 1, 1)),
            deadlines=[deadline_on(date(2024, 3, 1))],
        ),
    }


MARCH_2025 = datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["OTHER-2024-AG-OLD", "TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]),
        ({"status": "open"}, ["TESTF-2025-AG-OPEN"]),
        ({"status": ["open", "closed"]}, ["OTHER-2024-AG-OLD", "TESTF-2025-AG-OPEN"]),
        ({"status": "forthcoming"}, ["TESTF-2025-AG-SOON"]),
        ({"q": "reintegration"}, ["TESTF-2025-AG-OPEN"]),
        ({"q": "TESTF-2025-AG-SOON"}, ["TESTF-2025-AG-SOON"]),
        ({"fund": "OTHER"}, ["OTHER-2024-AG-OLD"]),
        ({"programme": "programme-a"}, ["TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]),
        ({"eligible": "ngos"}, ["TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]),
        ({"theme": "borders"}, ["OTHER-2024-AG-OLD"]),
        ({"closes_after": "2025-04-01"}, ["TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]),
        ({"closes_before": "2025-04-01"}, ["OTHER-2024-AG-OLD", "TESTF-2025-AG-OPEN"]),
        (
            {"closes_after": "2025-01-01", "closes_before": "2025-06-30", "status": "open"},
            ["TESTF-2025-AG-OPEN"],
        ),
    ],
)
@time_machine.travel(MARCH_2025, tick=False)
def test_the_filters_of_the_calls_page(api, catalogue, query, expected):
    assert sorted(identifiers(api.get(URL, query))) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "someday"}, "status"),
        ({"fund": ""}, "fund"),
        ({"programme": "not a slug"}, "programme"),
        ({"eligible": "ngos!"}, "eligible"),
        ({"theme": "a/b"}, "theme"),
        ({"closes_after": "1 April"}, "closes_after"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": ""}, "updated_since"),
        ({"closes_before": ""}, "closes_before"),
        ({"ordering": "title"}, "ordering"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_an_invalid_filter_is_400_with_the_error_of_that_parameter(api, catalogue, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert all(isinstance(message, str) for message in response.json()[field])


def test_updated_since_gives_the_calls_changed_from_that_moment(api, catalogue):
    old = catalogue["closed"]
    Call.objects.filter(pk=old.pk).update(updated_at=datetime(2020, 1, 1, tzinfo=UTC))
    since = {"updated_since": "2021-01-01T00:00:00+01:00"}
    assert sorted(identifiers(api.get(URL, since))) == ["TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]
    exact = {"updated_since": "2020-01-01T00:00:00Z"}
    assert "OTHER-2024-AG-OLD" in identifiers(api.get(URL, exact))  # at or after


def test_updated_since_takes_any_offset(api, catalogue):
    # Python takes offsets up to 23:59, PostgreSQL stores up to 15:59: sent in UTC.
    response = api.get(URL, {"updated_since": "2020-01-01T00:00:00+19:10"})
    assert len(identifiers(response)) == 3


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("identifier", ["OTHER-2024-AG-OLD", "TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]),
        ("-identifier", ["TESTF-2025-AG-SOON", "TESTF-2025-AG-OPEN", "OTHER-2024-AG-OLD"]),
        ("opens_at", ["OTHER-2024-AG-OLD", "TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]),
        ("-opens_at", ["TESTF-2025-AG-SOON", "TESTF-2025-AG-OPEN", "OTHER-2024-AG-OLD"]),
        ("closes_at", ["OTHER-2024-AG-OLD", "TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]),
        ("-closes_at", ["TESTF-2025-AG-SOON", "TESTF-2025-AG-OPEN", "OTHER-2024-AG-OLD"]),
        ("last_deadline", ["OTHER-2024-AG-OLD", "TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON"]),
        ("updated_at", ["OTHER-2024-AG-OLD", "TESTF-2025-AG-SOON", "TESTF-2025-AG-OPEN"]),
        ("-updated_at", ["TESTF-2025-AG-OPEN", "TESTF-2025-AG-SOON", "OTHER-2024-AG-OLD"]),
    ],
)
def test_orderings(api, catalogue, ordering, expected):
    for offset, name in enumerate(["closed", "forthcoming", "open"]):
        moment = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=offset)
        Call.objects.filter(pk=catalogue[name].pk).update(updated_at=moment)
    assert identifiers(api.get(URL, {"ordering": ordering})) == expected


def test_the_default_order_is_by_closing(api, catalogue):
    assert identifiers(api.get(URL)) == identifiers(api.get(URL, {"ordering": "closes_at"}))
    assert identifiers(api.get(URL))[0] == "OTHER-2024-AG-OLD"


@time_machine.travel(MARCH_2025, tick=False)
def test_a_cancelled_call_says_so(api, catalogue):
    call_cancel(call=catalogue["open"], user=None, reason="Budget withdrawn")
    call = api.get(f"{URL}TESTF-2025-AG-OPEN/").json()
    assert (call["status"], call["cancellation_reason"]) == ("cancelled", "Budget withdrawn")
    assert identifiers(api.get(URL, {"status": "cancelled"})) == ["TESTF-2025-AG-OPEN"]


@pytest.mark.parametrize(
    "query",
    [
        {"fund": "ow"},
        {"programme": "no-such-programme"},
        {"eligible": "nobody"},
        {"theme": "no-theme"},
        {"closes_after": "2025-05-01", "closes_before": "2025-04-01"},
    ],
)
def test_a_value_the_schema_allows_that_names_nothing_matches_nothing(api, catalogue, query):
    response = api.get(URL, query)
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"closes_after": "0001-01-01"},
        {"closes_before": "9999-12-31"},
        {"updated_since": "0001-01-01T00:00:00+05:00"},  # year 0 in UTC: the first moment
    ],
)
def test_any_date_the_schema_allows_is_taken(api, catalogue, query):
    response = api.get(URL, query)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["", "{identifier}/"])
def test_a_format_the_api_does_not_have_is_404_even_without_a_value(api, path):
    """The schema names the formats (json, csv): `?format=` with no value is not one of
    them, as `?format=xml` is not (schemathesis found the empty one answered 200)."""
    url = URL + path.format(identifier=CallFactory().identifier)
    assert api.get(url, {"format": "json"}).status_code == 200
    assert api.get(url, {"format": "csv"}).status_code == 200
    for unknown in ("", "xml"):
        response = api.get(url, {"format": unknown})
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
