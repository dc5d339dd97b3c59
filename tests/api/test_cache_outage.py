"""With the cache (Redis) down, the API keeps serving: rate limits let requests through
and say so in the log, Last-Modified is taken as now. Redis is the test's own."""

import logging

import pytest

from api.models import ApiKey
from tests.api.conftest import key_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(redis_server, cache_on, settings):
    cache_on(redis_server.url)
    rates = {"anon": "1/min", "key": "1/min"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    redis_server.stop()


@pytest.mark.usefixtures("cache_down")
@pytest.mark.parametrize("keyed", [False, True])
def test_the_api_serves_with_the_cache_down(caplog, keyed):
    client = key_client(ApiKey.issue(name="partner")[1] if keyed else None)
    with caplog.at_level(logging.WARNING):
        responses = [client.get(url) for url in ["/api/v1/funds/", "/api/v1/calls/"] * 2]
    assert [response.status_code for response in responses] == [200] * 4
    assert all(response["Last-Modified"] and response["ETag"] for response in responses)
    assert "not counted, the cache is unreachable" in caplog.text
    assert "Last-Modified taken as now" in caplog.text


def test_limits_count_again_once_the_cache_is_back(api, redis_server, cache_down):
    assert api.get("/api/v1/funds/").status_code == 200
    redis_server.start()
    assert [api.get("/api/v1/funds/").status_code for _ in range(2)] == [200, 429]
