"""Shared fixtures: the demo data from the source pages, and small factories."""

import pytest

from portal.demo_loader import load_demo
from tests.redis_server import RedisServer

# The site's address in every test, whatever SITE_URL the shell sets: the test client's
# host, so that links from e-mails and files open with `client.get`.
SITE_URL = "http://testserver"


@pytest.fixture
def demo(db):
    """The demo data of the five source pages, as `make run` shows it."""
    load_demo()


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE_URL
    return SITE_URL


@pytest.fixture(autouse=True)
def no_sweep_on_change(settings):
    """Tests run the sweep when they mean to (alerts/embedded.py is tested on its own),
    with or without REDIS_URL."""
    settings.ALERTS_SWEEP_ON_CHANGE = False


@pytest.fixture(autouse=True)
def fresh_cache(settings, request):
    """A local-memory cache of each test's own, whatever REDIS_URL says: rate-limit counts
    (portal/counters.py) and API validators never leak from one test into another."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }


@pytest.fixture(autouse=True)
def celery_eager():
    """Tasks run in the test process, whatever REDIS_URL says; tests/alerts/test_worker.py
    switches to a real worker on Redis."""
    from portal.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def redis_server():
    """A Redis server of this test's own (tests/redis_server.py), stopped at the end."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def cache_on(settings):
    """`cache_on(url)`: the cache is the Redis at `url` for the rest of the test."""

    def use(url: str) -> None:
        settings.CACHES = {
            **settings.CACHES,
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
        }

    return use


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty cache: what another test cached (a calendar built
    under the same frozen clock) must not answer for it."""
    from django.conf import settings
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
