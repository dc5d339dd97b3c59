"""Shared fixtures: the demo data from the source pages, the personas, small factories."""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.test import APIClient

from api.models import ApiKey
from portal.demo_loader import load_demo
from programmes.models import ContactPoint
from tests.factories import CallFactory, FundFactory, ProgrammeFactory
from tests.redis_server import RedisServer

BROWSER_TESTS = Path(__file__).resolve().parent / "browser"


def pytest_collection_modifyitems(config, items):
    """Tests about PostgreSQL or Redis (marked so, pyproject.toml) run only there; every
    test of tests/browser is a browser test."""
    elsewhere = {
        "postgresql": (connection.vendor != "postgresql", "about PostgreSQL: runs there, as in CI"),
        "redis": (not os.environ.get("REDIS_URL"), "needs Redis (REDIS_URL), as in CI"),
    }
    for item in items:
        if BROWSER_TESTS in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)
        for marker, (skip, reason) in elsewhere.items():
            if skip and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=reason))


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
    (foundation/counters.py) and API validators never leak from one test into another."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        },
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


# --- The personas: who asks, at every door (tests/test_permissions.py) ---------------
# Programmes A and B of one fund, each with a national contact point whose member is its
# NCP and a published call; a plain signed-in user who belongs to no contact point; staff
# with no model permission; a superuser; API keys of the NCPs, staff and the superuser,
# and a read-only key (a partner's: it belongs to no user).


def make_user(username: str, **extra):
    """A user who signs in with `client.force_login` (no password: no slow hashing)."""
    return get_user_model().objects.create_user(username, password=None, **extra)


def contact_point_of(programme, slug: str, member) -> ContactPoint:
    contact_point = ContactPoint.objects.create(
        slug=slug, level=ContactPoint.Level.NATIONAL, country="CY", name=f"NCP {slug}"
    )
    contact_point.programmes.add(programme)
    contact_point.members.add(member)
    return contact_point


def key_client(api_key: str | None) -> APIClient:
    """An API client that sends `api_key`, or none."""
    client = APIClient(HTTP_HOST="127.0.0.1")
    if api_key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    return client


@pytest.fixture
def fund(db):
    return FundFactory()


@pytest.fixture
def programme_a(fund):
    return ProgrammeFactory(fund=fund, title="Programme A", slug="programme-a")


@pytest.fixture
def programme_b(fund):
    return ProgrammeFactory(fund=fund, title="Programme B", slug="programme-b")


@pytest.fixture
def ncp_a(programme_a):
    return make_user("ncp-a", first_name="Anna", last_name="Andreou")


@pytest.fixture
def ncp_b(programme_b):
    return make_user("ncp-b", first_name="Boris", last_name="Berg")


@pytest.fixture
def contact_point_a(programme_a, ncp_a):
    return contact_point_of(programme_a, "ncp-a-office", ncp_a)


@pytest.fixture
def contact_point_b(programme_b, ncp_b):
    return contact_point_of(programme_b, "ncp-b-office", ncp_b)


@pytest.fixture
def plain_user(db):
    return make_user("someone")


@pytest.fixture
def staff(db):
    return make_user("staff", is_staff=True)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password=None)


@pytest.fixture
def call_a(programme_a, contact_point_a):
    return CallFactory(programme=programme_a, identifier="TESTF-2025-AG-A-01", title="Call A")


@pytest.fixture
def draft_a(programme_a, contact_point_a):
    return CallFactory(
        programme=programme_a, identifier="TESTF-2025-AG-A-02", title="Draft A", published_at=None
    )


@pytest.fixture
def call_b(programme_b, contact_point_b):
    return CallFactory(programme=programme_b, identifier="TESTF-2025-AG-B-01", title="Call B")


# Every persona, in the order of the matrix's columns.
ROLES = ("anonymous", "user", "ncp_a", "ncp_b", "staff", "superuser", "read_only")


@dataclass
class Personas:
    """Who asks (`users`: None for anonymous and the read-only key; `keys`: the API key's
    secret, None for anonymous and the plain user), and the programmes, contact points and
    calls of A and B."""

    users: dict
    keys: dict
    programme_a: object
    programme_b: object
    contact_point_a: object
    contact_point_b: object
    call_a: object
    call_b: object

    def client(self, role: str) -> APIClient:
        """The API as `role` asks it: with their key, else signed in (the API takes keys
        only, so a session is anonymous there), else anonymous."""
        client = key_client(self.keys[role])
        if self.keys[role] is None and self.users[role] is not None:
            client.force_login(self.users[role])
        return client

    def site_client(self, client, role: str):
        """`client` (Django's test client) signed in as `role`, if they are someone."""
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client


@pytest.fixture
def personas(
    ncp_a, ncp_b, plain_user, staff, superuser, contact_point_a, contact_point_b, call_a, call_b
) -> Personas:
    users = {"anonymous": None, "user": plain_user, "ncp_a": ncp_a, "ncp_b": ncp_b}
    users |= {"staff": staff, "superuser": superuser, "read_only": None}
    keyed = ("ncp_a", "ncp_b", "staff", "superuser")
    keys = dict.fromkeys(ROLES)
    keys |= {role: ApiKey.issue(name=role, user=users[role])[1] for role in keyed}
    keys["read_only"] = ApiKey.issue(name="A partner")[1]
    return Personas(
        users=users,
        keys=keys,
        programme_a=contact_point_a.programmes.get(),
        programme_b=contact_point_b.programmes.get(),
        contact_point_a=contact_point_a,
        contact_point_b=contact_point_b,
        call_a=call_a,
        call_b=call_b,
    )
