"""Concurrent creation of the same call, for real: 8 threads, each with its own database
connection, post the same new call at once through the API and the NCP area
(PostgreSQL). One is created; every other gets the uniqueness error (400 naming the
field in the API, a form error on the page), never a 500."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from calls.models import Call
from tests.api.conftest import key_client, ncp_of
from tests.api.test_call_writes import new_call
from tests.factories import ProgrammeFactory
from tests.ncp.formdata import new_call_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgresql,
]
THREADS = 8


def all_at_once(post) -> list:
    """Run `post()` in THREADS threads released together; a 500 (an exception the test
    client raises) counts as 500."""
    barrier = threading.Barrier(THREADS)

    def run(_):
        barrier.wait()
        try:
            return post()
        except Exception:  # noqa: BLE001 - what the client raises is what a 500 would be
            return 500
        finally:
            connection.close()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


@pytest.fixture
def programme():
    from api.models import ApiKey

    programme = ProgrammeFactory(slug="programme-a")
    user = ncp_of(programme, "ncp-a")
    return programme, user, ApiKey.issue(name="ncp", user=user)[1]


def test_the_api_answers_a_lost_race_with_the_uniqueness_error(programme):
    _, _, key = programme
    body = new_call()

    responses = all_at_once(lambda: key_client(key).post("/api/v1/calls/", body, format="json"))

    statuses = [getattr(response, "status_code", response) for response in responses]
    assert sorted(statuses) == [201] + [400] * (THREADS - 1)
    for response in responses:
        if response.status_code == 400:
            assert {"code", "identifier"} & set(response.json()), response.json()
    assert Call.objects.count() == 1


def test_the_ncp_area_answers_a_lost_race_with_a_form_error(programme):
    programme, user, _ = programme
    data = new_call_data(
        programme,
        opens_at="2030-04-01T00:00",
        deadlines=[{"due_at": "2030-09-30T17:00", "label": ""}],
    )

    def post():
        client = Client()
        client.force_login(user)
        return client.post(reverse("manage_call_create"), data)

    responses = all_at_once(post)

    statuses = [getattr(response, "status_code", response) for response in responses]
    assert sorted(statuses, reverse=True) == [302] + [200] * (THREADS - 1)
    for response in responses:
        if response.status_code == 200:
            assert "already exists" in response.content.decode()
    assert Call.objects.count() == 1
