"""The API's tests use the personas of tests/conftest.py (`personas.client(role)`: keys of
the NCPs of programmes A and B, staff and a superuser, a read-only key, a plain user's
session, anonymous). Each test has its own cache, so rate-limit counters and ETag
first-seen times never leak between tests."""

import pytest
from rest_framework.test import APIClient

from programmes.models import ContactPoint
from tests.conftest import key_client, make_user

__all__ = ["key_client", "make_user", "ncp_of"]

HIGH_RATES = {"anon": "10000/min", "key": "10000/min"}


@pytest.fixture(autouse=True)
def fresh_cache_and_high_rates(settings, request):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-test-{request.node.nodeid}",
        },
    }
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": HIGH_RATES}
    settings.SITE_URL = "https://funding.example.eu"


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_HOST="127.0.0.1")


def ncp_of(programme, username: str):
    """A user who is the NCP of `programme`, through an EU contact point of their own."""
    user = make_user(username)
    contact_point = ContactPoint.objects.create(
        slug=f"cp-{username}", level=ContactPoint.Level.EU, name=f"Contact point {username}"
    )
    contact_point.members.add(user)
    programme.contact_points.add(contact_point)
    return user
