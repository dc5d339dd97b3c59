"""A misspelt search suggests the words the calls hold: "Did you mean trafficking?",
by trigram similarity on both databases (issue 13)."""

import pytest
from django.urls import reverse

from calls.models import Call
from calls.search_suggestions import search_suggestion, similarity
from tests.factories import CallFactory

URL = reverse("call_list")


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    ("q", "suggested"),
    [
        ("trafficing", "trafficking"),
        ("sponsorhip", "sponsorship"),
        ("victims of trafficing", "victims trafficking"),
        ("integraton labor", "integration labour"),
        ("children", ""),  # found: nothing to suggest
        ("zzzzqqqq", ""),  # nothing near
        ("-" * 40, ""),
    ],
)
def test_misspelt_words_are_suggested_the_same_on_every_database(q, suggested):
    assert search_suggestion(Call.objects.public(), q) == suggested


@pytest.mark.usefixtures("demo")
def test_the_page_says_did_you_mean_with_a_link(client):
    response = client.get(URL, {"q": "trafficing", "fund": "AMIF"})
    assert response.context["page"].paginator.count == 0
    assert "Did you mean" in response.text
    assert 'href="?q=trafficking&amp;fund=AMIF">trafficking</a>' in response.text
    following = client.get(URL, {"q": "trafficking", "status": "closed"})
    assert following.context["page"].paginator.count == 2


@pytest.mark.usefixtures("demo")
def test_no_suggestion_when_other_statuses_match(client):
    response = client.get(URL, {"q": "trafficking"})  # closed calls match
    assert response.context["suggestion"] == ""


@pytest.mark.django_db
def test_words_of_new_calls_are_suggested_at_once():
    CallFactory(title="Guardianship for unaccompanied minors")
    assert search_suggestion(Call.objects.all(), "guardianshp") == "guardianship"


def test_similarity_is_that_of_pg_trgm():
    assert similarity("trafficing", "trafficking") == pytest.approx(9 / 14)
    assert similarity("word", "word") == 1.0


@pytest.mark.django_db
def test_a_word_of_a_deleted_call_does_not_hide_the_word_that_finds_calls():
    # PostgreSQL's vocabulary keeps "guardians", nearer to "guardianshp" than the word of
    # the call that is there.
    CallFactory(title="Guardians of the border").delete()
    CallFactory(title="Guardianship for unaccompanied minors")
    assert search_suggestion(Call.objects.all(), "guardianshp") == "guardianship"
