"""A NUL character in an address, a query parameter or a cookie answers 404 or 400 (or
is ignored), never 500: PostgreSQL cannot compare text with NUL in it."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/calls/AB%00CD/",
        "/calls/AB%00CD.ics",
        "/countries/%00/",
        "/fr/calls/%00/",
        "/alerts/confirm/%00/",
        "/manage/calls/AB%00/",
        "/api/v1/calls/AB%00CD/",
        "/api/v1/funds/%00/",
    ],
)
def test_an_address_with_nul_is_not_found(client, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/calendar/deadlines.ics?fund=%00",
        "/calendar/deadlines.ics?programme=AB%00",
        "/calls/?fund=%00",
        "/calls/?%00=1",
        "/api/v1/calls/?fund=%00",
        "/api/v1/calls/?cursor=%00",
    ],
)
def test_a_query_parameter_with_nul_is_a_bad_request(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/calls/", "/api/v1/calls/"])
def test_a_session_cookie_with_nul_is_ignored(client, url):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert client.get(url).status_code == 200
