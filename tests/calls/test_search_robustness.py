"""No search text reaches the database as an error (issues 12.1 and 13): on the page, in
the API and in a saved search, whatever `q` holds; a text that cannot match finds nothing."""

import pytest
from django.urls import reverse

from calls.models import Call
from calls.search_text import MAX_WORDS, read_search

pytestmark = pytest.mark.usefixtures("demo")

JUNK = [
    "-" * 40,
    "- " * 40,
    '"' * 41,
    "!!!!&&&&||||::**((((" * 20,
    "a & b | !c <-> d:* 'e'",
    "(((((((((((((trafficking",
    "trafficking -" + "-" * 100,
    "x" * 10_000,
    " ".join(["trafficking"] * 500),
    "\u200b\ufeff\u202e😀\U0001f9d1\u200d\U0001f91d",
    "\\' OR 1=1; --",
    "%_%_%",
    "\x01\x02\x7f",
    "日本語 العربية ελληνικά",
    "NOT AND OR NEAR",
    "*",
]


@pytest.mark.parametrize("q", JUNK)
def test_any_text_is_answered_on_the_page_and_in_the_api(client, q):
    page = client.get(reverse("call_list"), {"q": q, "status": ["open", "closed"]})
    assert page.status_code == 200
    api = client.get("/api/v1/calls/", {"q": q})
    assert api.status_code == 200


@pytest.mark.parametrize("q", ["-" * 40, '"' * 41, "()", "-trafficking", "the"])
def test_a_text_with_no_word_to_require_finds_nothing(q):
    assert not read_search(q).can_match
    assert list(Call.objects.search(q)) == []


def test_only_the_first_words_are_read():
    terms = read_search(" ".join(f"word{n}" for n in range(100)))
    assert len(terms.required) == MAX_WORDS


def test_a_null_character_is_reported_not_sent(client):
    # Refused before any view reads it (portal.middleware.NullCharacterMiddleware).
    page = client.get(reverse("call_list"), {"q": "traffic\x00king"})
    assert page.status_code == 400
    assert "Null characters are not allowed" in page.text
