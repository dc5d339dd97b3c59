"""Rate limits under real concurrency: 16 threads, each with a database connection of
its own, against PostgreSQL and a Redis the test starts (tests/redis_server.py)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.api.conftest import key_client

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,
]
THREADS, REQUESTS_EACH, LIMIT = 16, 8, 40


def statuses(count: int) -> list[int]:
    client = key_client(None)
    try:
        return [client.get("/api/v1/funds/").status_code for _ in range(count)]
    finally:
        connection.close()


def test_concurrent_requests_never_pass_the_limit(settings, redis_server, cache_on):
    cache_on(redis_server.url)
    rates = {"anon": f"{LIMIT}/hour", "key": "10000/min"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}

    with ThreadPoolExecutor(THREADS) as pool:
        results = [s for batch in pool.map(statuses, [REQUESTS_EACH] * THREADS) for s in batch]

    assert results.count(200) == LIMIT
    assert results.count(429) == THREADS * REQUESTS_EACH - LIMIT
