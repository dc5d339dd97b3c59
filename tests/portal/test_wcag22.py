"""WCAG 2.2 AA points a browser-free test can hold: English data on French pages is marked
lang="en"; after a failed form the error summary takes the focus (autofocus, no
JavaScript); every aria-describedby names ids that exist."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.usefixtures("demo")
CALL = "AMIF-2024-TF2-AG-THB-01"


def test_english_data_on_french_pages_is_marked_english(client):
    with translation.override("fr"):
        french = client.get(reverse("call_detail", args=[CALL])).text
    assert '<html lang="fr"' in french
    assert '<h1 lang="en">Call for proposals on the assistance' in french
    assert '<div class="prose" lang="en">' in french
    with translation.override("en"):
        english = client.get(reverse("call_detail", args=[CALL])).text
    assert "<h1>Call for proposals on the assistance" in english


def test_french_call_cards_mark_their_english_titles(client):
    with translation.override("fr"):
        text = client.get(reverse("call_list"), {"status": "closed"}).text
    assert text.count('<h3 class="call-row__title" lang="en">') == 9


def described_ids_exist(text: str) -> None:
    ids = set(re.findall(r'\sid="([^"]+)"', text))
    for described in re.findall(r'aria-describedby="([^"]+)"', text):
        for name in described.split():
            assert name in ids, f"aria-describedby names {name!r}, which no element has"


def test_a_failed_search_focuses_its_errors_and_links_them(client):
    with translation.override("en"):
        text = client.get(reverse("call_list"), {"closes_after": "2025-02-30"}).text
    assert '<div class="form-errors" role="alert" tabindex="-1" autofocus>' in text
    assert "aria-describedby" in text
    described_ids_exist(text)


def test_a_failed_sign_in_focuses_its_error_summary(client):
    with translation.override("en"):
        text = client.post(reverse("login"), {"username": "nobody", "password": "x"}).text
    summary = text.index('class="error-summary"')
    assert "autofocus" in text[summary : text.index(">", summary)]
    described_ids_exist(text)
