"""The pages a public-sector site has (legal notice, privacy and accessibility statements,
contact), in the footer of every page; a favicon; HTML compressed where no secret is in
the page (BREACH)."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from alerts.links import manage_url
from alerts.models import Subscriber

PAGES = ["legal_notice", "privacy", "accessibility", "contact"]
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip"}


@pytest.fixture(autouse=True)
def english():
    """Addresses in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize("name", PAGES)
def test_each_page_is_in_the_footer_of_every_page(client, db, name):
    url = reverse(name)
    assert client.get(url).status_code == 200
    assert f'href="{url}"' in client.get(reverse("call_list")).text
    french = client.get(f"/fr{url}")
    assert french.status_code == 200 and '<html lang="fr"' in french.text


def test_the_privacy_statement_says_what_alerts_keep_how_long_and_how_to_delete(client, db):
    text = client.get(reverse("privacy")).text
    assert "your e-mail address and the language of your e-mails" in text
    assert "do not confirm within 7 days is deleted" in text
    assert "Stopping them all deletes your address" in text


def test_the_accessibility_statement_names_the_directive_and_a_contact(client, db, settings):
    settings.CONTACT_EMAIL = "access@funding.example.eu"
    text = client.get(reverse("accessibility")).text
    assert "Directive (EU) 2016/2102" in text and "WCAG" in text
    assert 'href="mailto:access@funding.example.eu"' in text


def test_a_favicon_from_this_site(client, db):
    text = client.get(reverse("home")).text
    assert '<link rel="icon" href="/static/img/favicon.svg"' in text
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/img/favicon.svg"


def test_public_pages_are_compressed(client, db):
    response = client.get(reverse("call_list"), **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert not client.get("/api/v1/calls/", **GZIP).has_header("Content-Encoding")


def test_pages_with_a_secret_are_not_compressed(client, db):
    subscriber = Subscriber.objects.create(email="applicant@example.org", language="en")
    response = client.get(urlsplit(manage_url(subscriber)).path, **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    user = get_user_model().objects.create_user("ncp", password="Amif-Nicosia-2026!")
    client.force_login(user)
    assert not client.get(reverse("call_list"), **GZIP).has_header("Content-Encoding")
