"""English at /, French under /fr/; the browser's language on a first visit; the switcher."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.usefixtures("demo")


def test_french_pages_live_under_fr(client):
    response = client.get("/fr/calls/")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr"' in response.text


def test_english_is_the_default(client):
    response = client.get("/calls/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_a_browser_preferring_french_is_sent_to_the_french_page(client):
    response = client.get("/calls/?status=closed", headers={"accept-language": "fr-BE,fr;q=0.9"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/calls/?status=closed"
    assert "Accept-Language" in response["Vary"]


def test_a_chosen_language_wins_over_the_browsers(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/calls/", headers={"accept-language": "fr"})
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_the_switcher_sets_the_language_and_returns_to_the_same_page(client):
    response = client.get(reverse("language_choose", args=["fr"]), {"next": "/calls/?q=x"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/calls/?q=x"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    back = client.get("/language/en/", {"next": "/fr/calls/"})
    assert back["Location"] == "/calls/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_switcher_is_links_that_return_to_the_same_page(client):
    page = client.get("/fr/calls/?q=x&fund=AMIF").text
    assert 'href="/language/en/?next=/fr/calls/%3Fq%3Dx%26fund%3DAMIF"' in page
    assert 'href="/language/fr/?next=/fr/calls/%3Fq%3Dx%26fund%3DAMIF"' in page
    assert 'action="/i18n/' not in page and "/fr/i18n/" not in page


def test_the_switcher_goes_home_from_an_address_elsewhere(client):
    for address in ("https://evil.example/", "//evil.example/calls/", ""):
        response = client.get("/language/fr/", {"next": address})
        assert response["Location"] == "/fr/"


def test_the_switcher_refuses_an_unknown_language(client):
    assert client.get("/language/de/", {"next": "/calls/"}).status_code == 404
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_feeds_and_the_admin_are_not_redirected(client):
    assert client.get("/feeds/calls/", headers={"accept-language": "fr"}).status_code == 200
    assert client.get("/admin/login/", headers={"accept-language": "fr"}).status_code == 200
