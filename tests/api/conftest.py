"""Personas for the API: anonymous, keys of NCPs of programmes A and B, a read-only key,
a staff member's key and session, a superuser's key. Each test has its own cache, so
rate-limit counters and ETag first-seen times never leak between tests."""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from api.models import ApiKey
from programmes.models import ContactPoint
from tests.factories import CallFactory, ProgrammeFactory

HIGH_RATES = {"anon": "10000/min", "key": "10000/min"}


@pytest.fixture(autouse=True)
def fresh_cache_and_high_rates(settings, request):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-test-{request.node.nodeid}",
        }
    }
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": HIGH_RATES}
    settings.SITE_URL = "https://funding.example.eu"


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_HOST="127.0.0.1")


def key_client(api_key: str | None) -> APIClient:
    client = APIClient(HTTP_HOST="127.0.0.1")
    if api_key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key}")
    return client


@dataclass
class Personas:
    """Programmes A and B (fund TESTF), a published call of each, and who may do what."""

    programme_a: object
    programme_b: object
    call_a: object
    call_b: object
    keys: dict  # role -> secret (None for anonymous)

    def client(self, role: str) -> APIClient:
        return key_client(self.keys[role])


def make_user(username: str, **flags):
    return get_user_model().objects.create_user(username, password=None, **flags)


def ncp_of(programme, username: str):
    user = make_user(username)
    contact_point = ContactPoint.objects.create(
        slug=f"cp-{username}", level=ContactPoint.Level.EU, name=f"Contact point {username}"
    )
    contact_point.members.add(user)
    programme.contact_points.add(contact_point)
    return user


@pytest.fixture
def personas(db) -> Personas:
    programme_a = ProgrammeFactory(slug="programme-a")
    programme_b = ProgrammeFactory(slug="programme-b")
    users = {
        "ncp_a": ncp_of(programme_a, "ncp-a"),
        "ncp_b": ncp_of(programme_b, "ncp-b"),
        "staff": make_user("staff", is_staff=True),
        "superuser": make_user("root", is_staff=True, is_superuser=True),
    }
    keys = {role: ApiKey.issue(name=role, user=user)[1] for role, user in users.items()}
    keys["read_only"] = ApiKey.issue(name="A partner")[1]
    keys["anonymous"] = None
    return Personas(
        programme_a=programme_a,
        programme_b=programme_b,
        call_a=CallFactory(programme=programme_a, identifier="TESTF-2025-AG-A-01"),
        call_b=CallFactory(programme=programme_b, identifier="TESTF-2025-AG-B-01"),
        keys=keys,
    )
