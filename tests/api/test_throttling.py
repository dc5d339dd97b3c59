"""Rate limits: anonymous clients low, keys higher, each counted apart; 429 with Retry-After."""

import pytest

from api.models import ApiKey
from tests.api.conftest import key_client

URL = "/api/v1/funds/"


@pytest.fixture
def low_rates(settings):
    rates = {"anon": "3/min", "key": "5/min"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}


def statuses(client, count: int) -> list[int]:
    return [client.get(URL).status_code for _ in range(count)]


@pytest.mark.usefixtures("low_rates")
def test_anonymous_clients_get_429_with_retry_after_over_their_limit(api, db):
    assert statuses(api, 4) == [200, 200, 200, 429]
    response = api.get(URL)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]


@pytest.mark.usefixtures("low_rates")
def test_a_key_has_a_higher_limit_of_its_own(api, db):
    assert statuses(api, 4)[-1] == 429
    keyed = key_client(ApiKey.issue(name="partner")[1])
    assert statuses(keyed, 6) == [200] * 5 + [429]
    other = key_client(ApiKey.issue(name="other partner")[1])
    assert statuses(other, 1) == [200]


@pytest.mark.usefixtures("low_rates")
def test_anonymous_clients_are_counted_per_address(db):
    first = key_client(None)
    assert statuses(first, 4)[-1] == 429
    elsewhere = key_client(None)
    elsewhere.defaults["REMOTE_ADDR"] = "192.0.2.7"
    assert statuses(elsewhere, 1) == [200]
    spoofed = key_client(None)
    spoofed.defaults["HTTP_X_FORWARDED_FOR"] = "198.51.100.1"  # ignored without proxies
    assert statuses(spoofed, 1) == [429]


def test_the_limits_come_from_the_environment():
    from tests.portal.test_settings import settings_value

    rates = settings_value(
        "settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']",
        API_THROTTLE_ANON="10/min",
        API_THROTTLE_KEY="1000/hour",
    )
    assert rates == {"anon": "10/min", "key": "1000/hour"}
    assert settings_value("settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']") == {
        "anon": "60/min",
        "key": "600/min",
    }


def test_a_malformed_limit_stops_start_up():
    from tests.portal.test_settings import run

    result = run("import django; django.setup()", API_THROTTLE_ANON="lots")
    assert result.returncode != 0
    assert "API_THROTTLE_ANON must look like 60/min" in result.stderr
