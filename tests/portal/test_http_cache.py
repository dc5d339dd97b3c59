"""What a shared cache may keep (portal/http_cache.py): anonymous GETs of public pages and
API reads set no cookie and say how long they stay fresh; everything else is private."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings

from calls.models import Call
from programmes.models import Programme
from projects.models import Country, Initiative, NewsItem

pytestmark = pytest.mark.usefixtures("demo")


def max_age(response) -> int:
    return int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))


def public_pages():
    call = Call.objects.public().first()
    return {
        "/": settings.HTTP_CACHE_LIST_SECONDS,
        "/calls/": settings.HTTP_CACHE_LIST_SECONDS,
        "/calls/?q=trafficking&status=closed": settings.HTTP_CACHE_LIST_SECONDS,
        "/fr/calls/": settings.HTTP_CACHE_LIST_SECONDS,
        "/programmes/": settings.HTTP_CACHE_LIST_SECONDS,
        "/initiatives/": settings.HTTP_CACHE_LIST_SECONDS,
        "/countries/": settings.HTTP_CACHE_LIST_SECONDS,
        "/regions/": settings.HTTP_CACHE_LIST_SECONDS,
        "/news/": settings.HTTP_CACHE_LIST_SECONDS,
        "/feeds/calls/": settings.HTTP_CACHE_LIST_SECONDS,
        "/sitemap.xml": settings.HTTP_CACHE_LIST_SECONDS,
        call.get_absolute_url(): None,  # capped by its next deadline
        Programme.objects.first().get_absolute_url(): settings.HTTP_CACHE_PAGE_SECONDS,
        Initiative.objects.first().get_absolute_url(): settings.HTTP_CACHE_PAGE_SECONDS,
        Country.objects.first().get_absolute_url(): settings.HTTP_CACHE_PAGE_SECONDS,
        NewsItem.objects.first().get_absolute_url(): settings.HTTP_CACHE_PAGE_SECONDS,
        "/fr" + call.get_absolute_url(): None,
        "/privacy/": settings.HTTP_CACHE_FIXED_SECONDS,
        "/robots.txt": settings.HTTP_CACHE_FIXED_SECONDS,
        "/calls/NO-SUCH-CALL/": settings.HTTP_CACHE_LIST_SECONDS,  # 404
        "/api/v1/calls/": settings.HTTP_CACHE_API_SECONDS,
        "/api/v1/calls/?format=csv": settings.HTTP_CACHE_API_SECONDS,
        f"/api/v1/calls/{call.identifier}/": settings.HTTP_CACHE_API_SECONDS,
        "/api/v1/funds/": settings.HTTP_CACHE_API_SECONDS,
        "/api/v1/programmes/": settings.HTTP_CACHE_API_SECONDS,
    }


def test_anonymous_public_pages_and_api_reads_set_no_cookie_and_are_public(client):
    for address, lifetime in public_pages().items():
        response = client.get(address)
        assert response.status_code in (200, 404), address
        assert not response.cookies, address
        assert "Set-Cookie" not in response.serialize_headers().decode(), address
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "private" not in cache_control, address
        assert "no-cache" not in cache_control and "no-store" not in cache_control, address
        assert 0 < max_age(response) <= (lifetime or settings.HTTP_CACHE_PAGE_SECONDS), address
        if lifetime:
            assert max_age(response) == lifetime, address
        # Validators for a revalidation (304); the streamed CSV and the 404 have none.
        if response.status_code == 200 and not response.streaming:
            assert response.has_header("ETag"), address


def test_public_pages_hold_no_csrf_token_and_no_form_of_the_switcher(client):
    call = Call.objects.public().first()
    for address in ("/", "/calls/", call.get_absolute_url(), "/fr/calls/"):
        page = client.get(address).text
        assert 'action="/alerts/subscribe/"' in page or 'action="/fr/alerts/subscribe/"' in page
        assert "csrfmiddlewaretoken" not in page, address
        assert "/i18n/setlang/" not in page, address


def test_the_lifetimes_come_from_the_settings(client, settings):
    settings.HTTP_CACHE_LIST_SECONDS = 7
    settings.HTTP_CACHE_API_SECONDS = 9
    assert max_age(client.get("/calls/")) == 7
    assert max_age(client.get("/api/v1/calls/")) == 9


def test_a_call_page_is_not_kept_past_its_next_deadline(client):
    call = Call.objects.public().prefetch_related("deadlines").first()
    Call.objects.filter(pk=call.pk).update(published_at=call.opens_at)
    due = call.deadline_after(call.opens_at).due_at
    with time_machine.travel(due - timedelta(seconds=42), tick=False):
        response = client.get(call.get_absolute_url())
    assert max_age(response) == 42


def test_a_list_answers_304_to_its_etag(client):
    first = client.get("/calls/")
    again = client.get("/calls/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert "public" in again["Cache-Control"]


def test_signed_in_pages_are_private_and_not_stored(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ncp", password="x"))
    call = Call.objects.public().first()
    for address in ("/", "/calls/", call.get_absolute_url(), "/manage/", "/api/v1/calls/"):
        response = client.get(address)
        assert response.status_code == 200, address
        assert "private" in response["Cache-Control"], address
        assert "no-store" in response["Cache-Control"], address
        assert "public" not in response["Cache-Control"], address


def test_api_reads_with_a_key_are_private(client):
    response = client.get("/api/v1/calls/", headers={"authorization": "Bearer not-a-key"})
    assert "public" not in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_with_a_token_in_their_address_are_not_stored(client):
    response = client.get("/alerts/confirm/not-a-token/")
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_answers_that_set_a_cookie_are_not_stored(client):
    for response in (
        client.get("/accounts/login/"),  # a form with a CSRF token and its cookie
        client.get("/language/fr/", {"next": "/calls/"}),
    ):
        assert response.cookies
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_form_with_errors_is_not_stored(client):
    response = client.post("/alerts/subscribe/", {"email": "not an address", "call": "X"})
    assert response.status_code == 400
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_pages_vary_on_what_they_depend_on(client):
    english = client.get("/calls/")
    # Unprefixed pages: the browser's language (a first visit may go to /fr/) and the
    # cookies (the chosen language, a session).
    assert {"Accept-Language", "Cookie"} <= set(re.split(r",\s*", english["Vary"]))
    french = client.get("/fr/calls/")
    assert "Cookie" in french["Vary"] and "Accept-Language" not in french["Vary"]


def test_the_unprefixed_page_is_english_whatever_the_language_cookie_says(client):
    """The cache may key on the language cookie without splitting the English page."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = client.get("/calls/", headers={"accept-language": "fr"})
    assert response.status_code == 200 and response["Content-Language"] == "en"
