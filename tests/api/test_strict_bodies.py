"""A write body is read as the schema states it, no more leniently: JSON types exactly, the
deadlines' caps, a deadline's label without control characters, web addresses by the
stated pattern (issue 12, "the API accepts what the schema allows" both ways)."""

import re

import pytest

from api.fields import WEB_ADDRESS
from calls.models import Call
from tests.api.conftest import key_client
from tests.api.test_call_writes import URL, new_call
from tests.api.test_webhooks import (  # noqa: F401 (fixtures)
    loopback_allowed,
    partner,
    receiver,
    register,
)

LONG_HOST = "https://" + ".".join(["a" * 63] * 4) + ".com"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": 5}, "title"),
        ({"code": "990001"}, "code"),
        ({"budget": 5000}, "budget"),
        ({"opens_at": 1764547200}, "opens_at"),
        ({"deadlines": []}, "deadlines"),
        (
            {
                "deadlines": [
                    {"due_at": f"2027-02-{day:02d}T17:00:00+01:00"} for day in range(1, 22)
                ]
            },
            "deadlines",
        ),
        (
            {"deadlines": [{"due_at": "2027-02-01T17:00:00+01:00", "label": "Stage\x001"}]},
            "deadlines.0.label",
        ),
        ({"apply_url": LONG_HOST}, "apply_url"),
        ({"official_url": "ftp://ec.europa.eu/x"}, "official_url"),
    ],
)
def test_a_value_the_schema_does_not_allow_is_refused(personas, change, field):
    response = key_client(personas.keys["ncp_a"]).post(URL, new_call(**change), format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Call.objects.filter(identifier=new_call()["identifier"]).exists()


def test_a_web_address_of_the_stated_shape_is_taken(personas):
    url = "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/x?ref=1#top"
    assert re.match(WEB_ADDRESS, url)
    response = key_client(personas.keys["ncp_a"]).post(URL, new_call(apply_url=url), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["apply_url"] == url


def test_the_schema_states_the_caps_and_the_address_pattern(api, db):
    schemas = api.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    call = schemas["CallWriteRequest"]["properties"]
    assert (call["deadlines"]["minItems"], call["deadlines"]["maxItems"]) == (1, 20)
    assert any(choice.get("pattern") == WEB_ADDRESS for choice in call["apply_url"]["oneOf"])
    events = schemas["WebhookEndpointRequest"]["properties"]["events"]
    assert events["minItems"] == 1


def test_a_webhook_endpoint_takes_true_or_false_only(partner, receiver, loopback_allowed):  # noqa: F811
    refused = register(partner, receiver.url(), enabled=0)
    assert refused.status_code == 400 and list(refused.json()) == ["enabled"]
    assert register(partner, receiver.url(), enabled=False).status_code == 201
