"""Errors no view answers: 503 during a database outage, and JSON under /api/ always."""

import pytest
from django.db import connection
from django.test import Client

from api.views import FundViewSet


@pytest.fixture
def database_down(django_db_blocker):
    """The database cannot be reached: the connection is set aside (not closed: SQLite's
    test database lives in memory) and points where nothing listens, a closed port on
    PostgreSQL, a directory that does not exist for SQLite."""
    with django_db_blocker.unblock():
        saved, live = dict(connection.settings_dict), connection.connection
        connection.connection = None
        if connection.vendor == "sqlite":
            connection.settings_dict["NAME"] = "/nonexistent/directory/portal.sqlite3"
        else:
            connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
        try:
            yield
        finally:
            connection.connection = live
            connection.settings_dict.clear()
            connection.settings_dict.update(saved)


@pytest.mark.parametrize("url", ["/calls/", "/fr/programmes/", "/calendar/deadlines.ics"])
def test_a_page_during_a_database_outage_is_503(database_down, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Briefly unavailable" in response.content.decode() or url.startswith("/fr/")


@pytest.mark.parametrize("url", ["/api/v1/calls/", "/api/v1/funds/AMIF/"])
def test_the_api_during_a_database_outage_is_503_in_json(database_down, url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The service is briefly unavailable; try again shortly."}


@pytest.mark.django_db
def test_a_server_error_under_api_is_json(monkeypatch):
    def fails(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(FundViewSet, "list", fails)
    response = Client(raise_request_exception=False).get("/api/v1/funds/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
