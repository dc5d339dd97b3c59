"""Who can apply, per call: the call's own participant types, countries and themes, else
its programme's; shown in the list, the detail and the CSV, and written by NCP keys
through calls/services.py."""

import csv
import io

import pytest

from calls.models import Call
from programmes.models import ParticipantType, Theme
from tests.api.conftest import key_client
from tests.api.test_call_writes import CALL_A, URL, new_call


@pytest.fixture
def facets(personas):
    ngos = ParticipantType.objects.create(slug="ngos", name="NGOs")
    cities = ParticipantType.objects.create(slug="cities", name="Cities")
    returns = Theme.objects.create(slug="return", name="Return")
    integration = Theme.objects.create(slug="integration", name="Integration")
    personas.programme_a.eligible_participants.add(ngos)
    personas.programme_a.themes.add(returns)
    own = personas.call_a
    own.eligible_participants.add(cities)
    own.themes.add(integration)
    Call.objects.filter(pk=own.pk).update(eligible_countries="MA,TR")
    return personas


def _who(call: dict) -> tuple:
    return (
        [named["slug"] for named in call["eligible"]],
        call["eligible_source"],
        call["eligible_countries"],
        [named["slug"] for named in call["themes"]],
        call["themes_source"],
    )


OWN = (["cities"], "call", ["MA", "TR"], ["integration"], "call")


def test_the_list_and_the_detail_show_the_calls_own_else_the_programmes(facets, api):
    inherited = Call.objects.create(
        programme=facets.programme_a,
        identifier="TESTF-2025-AG-A-02",
        code=2,
        title="Inherits",
        opens_at=facets.call_a.opens_at,
        published_at=facets.call_a.published_at,
    )
    inherited.deadlines.create(due_at=facets.call_a.deadlines.first().due_at)

    listed = {c["identifier"]: _who(c) for c in api.get(URL).json()["results"]}
    detail = api.get(f"{URL}{CALL_A}/").json()

    assert listed[CALL_A] == _who(detail) == OWN
    assert listed["TESTF-2025-AG-A-02"] == (["ngos"], "programme", [], ["return"], "programme")


def test_the_csv_has_the_countries_and_whose_lists_they_are(facets, api):
    response = api.get(URL, {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(r for r in csv.DictReader(io.StringIO(text)) if r["identifier"] == CALL_A)

    assert (row["eligible"], row["eligible_source"]) == ("cities", "call")
    assert (row["eligible_countries"], row["themes"], row["themes_source"]) == (
        "MA; TR",
        "integration",
        "call",
    )


def test_an_ncp_key_sets_and_clears_them_through_the_services(facets):
    client = key_client(facets.keys["ncp_a"])
    url = f"{URL}{CALL_A}/"
    body = {
        "eligible": ["ngos", "cities"],
        "eligible_countries": ["TR"],
        "themes": [],
        "version": 1,
    }

    changed = client.patch(url, body, format="json")

    assert changed.status_code == 200, changed.json()
    assert _who(changed.json()) == (["cities", "ngos"], "call", ["TR"], ["return"], "programme")
    call = Call.objects.get(identifier=CALL_A)
    assert call.version == 2 and call.history.first().history_user.username == "ncp-a"
    cleared = client.patch(
        url, {"eligible": [], "eligible_countries": [], "version": 2}, format="json"
    )
    assert _who(cleared.json()) == (["ngos"], "programme", [], ["return"], "programme")


def test_a_new_call_takes_them(facets):
    client = key_client(facets.keys["ncp_a"])
    body = new_call(eligible=["cities"], eligible_countries=["MA"], themes=["integration"])

    created = client.post(URL, body, format="json")

    assert created.status_code == 201, created.json()
    assert _who(created.json()) == (["cities"], "call", ["MA"], ["integration"], "call")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"eligible": ["nobody"]}, "eligible"),
        ({"themes": ["no-such-theme"]}, "themes"),
        ({"eligible_countries": ["TR", "XX"]}, "eligible_countries.1"),
        ({"eligible_countries": "TR"}, "eligible_countries"),
    ],
)
def test_unknown_codes_are_refused_naming_the_field(facets, body, field):
    client = key_client(facets.keys["ncp_a"])

    response = client.patch(f"{URL}{CALL_A}/", body | {"version": 1}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert _who(client.get(f"{URL}{CALL_A}/").json()) == OWN
    assert Call.objects.get(identifier=CALL_A).version == 1


def test_the_schema_states_the_codes_it_takes(api, db):
    schemas = api.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    countries = schemas["CallWriteRequest"]["properties"]["eligible_countries"]
    codes = schemas[countries["items"]["$ref"].rsplit("/", 1)[1]]["enum"]
    shown = schemas["Call"]["properties"]

    assert "TR" in codes and "XX" not in codes
    assert {"eligible_source", "eligible_countries", "themes_source"} <= set(shown)


def test_each_list_falls_back_to_the_programmes_on_its_own(facets, api):
    """The call's flags (calls/triggers.py) say which list each is: its own themes with
    its programme's participant types, and back to the programme's when its own go."""
    facets.call_a.eligible_participants.clear()

    assert _who(api.get(f"{URL}{CALL_A}/").json()) == (
        ["ngos"],
        "programme",
        ["MA", "TR"],
        ["integration"],
        "call",
    )
    facets.call_a.themes.clear()
    listed = {c["identifier"]: _who(c) for c in api.get(URL).json()["results"]}
    assert listed[CALL_A] == (["ngos"], "programme", ["MA", "TR"], ["return"], "programme")
