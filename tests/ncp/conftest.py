"""Personas of the NCP area: an NCP of programme A, an NCP of programme B, staff who belong
to no contact point, a superuser and anonymous; their programmes and calls.

Time is frozen at CLOCK, when the factories' calls (opening 15 January 2025, deadline
30 June 2025 at 17:00 Brussels) are open.
"""

from datetime import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from calls.models import BRUSSELS
from programmes.models import ContactPoint
from tests.factories import CallFactory, FundFactory, ProgrammeFactory

CLOCK = datetime(2025, 3, 3, 10, 0, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(CLOCK, tick=False) as traveller:
        yield traveller


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


@pytest.fixture
def personas(ncp_a, ncp_b, staff, superuser, contact_point_a, contact_point_b):
    """Every signed-in persona by role name; "anonymous" is None."""
    return {
        "anonymous": None,
        "ncp_a": ncp_a,
        "ncp_b": ncp_b,
        "staff": staff,
        "superuser": superuser,
    }
