"""The portal behind a real Varnish (deploy/varnish/portal.vcl) of the test's own, in
front of the test's live server: anonymous pages come from the cache, a change to a call
shows within its stated lifetime, signed-in users and forms pass through, and every
visitor gets the language they asked for. Needs Debian's varnish (.ci/run installs it)."""

import http.client
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from alerts.models import Subscription
from calls import services
from calls.models import Call
from portal.demo_loader import load_demo
from programmes.models import Programme
from tests.varnish_server import VarnishServer, varnishd_missing

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.varnish]


@pytest.fixture
def varnish(live_server):
    if reason := varnishd_missing():
        pytest.fail(reason, pytrace=False)
    load_demo()
    server = VarnishServer(urlsplit(live_server.url).port)
    server.start()
    yield server
    server.stop()


def fetch(server, address, method="GET", body=None, **headers):
    """One request, no redirect followed: (status, headers, text)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request(method, address, body=body, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, response.headers, text


def test_anonymous_pages_come_from_the_cache(varnish):
    call = Call.objects.public().first()
    for address in ("/", "/calls/", call.get_absolute_url(), "/api/v1/calls/"):
        first = fetch(varnish, address)
        # Cookies other than the language cookie do not split the cache.
        again = fetch(varnish, address, Cookie="csrftoken=abc; _pk_id=1")
        assert first[0] == again[0] == 200, address
        assert first[1]["X-Cache"] == "miss" and again[1]["X-Cache"] == "hit", address
        assert "Set-Cookie" not in first[1], address
    assert varnish.counters()["cache_hit"] >= 4


def test_a_change_to_a_call_shows_within_its_lifetime(varnish, settings):
    settings.HTTP_CACHE_PAGE_SECONDS = 6
    call = Call.objects.public().filter(source="portal").prefetch_related("deadlines").first()
    address = call.get_absolute_url()
    cached_at = time.monotonic()
    status, headers, text = fetch(varnish, address)
    assert call.title in text and "max-age=6" in headers["Cache-Control"]
    services.call_update(
        call=call,
        user=None,
        expected_version=call.version,
        fields={"title": "A title changed by its NCP"},
        deadlines=[
            services.DeadlineInput(due_at=d.due_at, label=d.label, pk=d.pk)
            for d in call.deadlines.all()
        ],
    )
    status, headers, text = fetch(varnish, address)
    assert headers["X-Cache"] == "hit" and "A title changed by its NCP" not in text
    time.sleep(max(0.0, cached_at + 6.5 - time.monotonic()))
    status, headers, text = fetch(varnish, address)
    assert status == 200 and "A title changed by its NCP" in text


def test_signed_in_users_pass_through_and_are_never_kept(varnish, django_user_model):
    user = django_user_model.objects.create_user("ncp", password="not-used")
    client = Client()
    client.force_login(user)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    fetch(varnish, "/calls/")  # an anonymous copy in the cache
    for _ in range(2):
        status, headers, text = fetch(varnish, "/calls/", Cookie=session)
        assert headers["X-Cache"] == "miss" and "Sign out" in text
        assert "private" in headers["Cache-Control"]
    status, headers, text = fetch(varnish, "/calls/")
    assert headers["X-Cache"] == "hit" and "Sign out" not in text


def test_every_visitor_gets_the_language_asked_for(varnish):
    """Each request twice, in an order that would mix them up if the cache keyed wrongly:
    the French-preferring first visit is redirected, the rest get their language."""
    asks = [
        ("/calls/", {"Accept-Language": "fr-BE,fr;q=0.9"}, "/fr/calls/"),
        ("/calls/", {"Accept-Language": "en-GB,en;q=0.9,fr;q=0.8"}, "en"),
        ("/calls/", {"Accept-Language": "de-DE,de;q=0.9,fr;q=0.8,en;q=0.7"}, "/fr/calls/"),
        ("/calls/", {"Accept-Language": "fr", "Cookie": "django_language=en"}, "en"),
        ("/calls/", {}, "en"),
        ("/fr/calls/", {"Accept-Language": "en"}, "fr"),
        ("/fr/calls/", {"Cookie": "django_language=en; other=1"}, "fr"),
    ]
    for _ in range(2):
        for address, headers, expected in asks:
            status, answer, text = fetch(varnish, address, **headers)
            if expected.startswith("/"):
                assert (status, answer["Location"]) == (302, expected), headers
            else:
                assert status == 200 and f'<html lang="{expected}"' in text, headers
                assert answer["Content-Language"] == expected, headers


def test_a_subscribe_form_of_a_cached_page_posts_through_the_cache(varnish):
    programme = Programme.objects.first()
    status, headers, page = fetch(varnish, programme.get_absolute_url())
    assert 'action="/alerts/subscribe/"' in page and "csrfmiddlewaretoken" not in page
    body = f"email=applicant%40example.org&programme={programme.slug}"
    form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": varnish.url}
    status, headers, text = fetch(varnish, "/alerts/subscribe/", "POST", body, **form)
    assert status == 302 and "no-store" in headers["Cache-Control"]
    assert Subscription.objects.filter(programme=programme).count() == 1
    elsewhere = form | {"Origin": "https://evil.example"}
    assert fetch(varnish, "/alerts/subscribe/", "POST", body, **elsewhere)[0] == 403
