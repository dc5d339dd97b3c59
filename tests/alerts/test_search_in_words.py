"""A search alert is named in words, not by its query string; after subscribing, "back"
returns to the page the form was on."""

import pytest
from django.urls import reverse

from alerts.models import SearchInWords, Subscription
from tests.alerts.conftest import follow


@pytest.mark.parametrize(
    ("search", "named"),
    [
        ("?fund=AMIF&q=trafficking", "New calls matching ‘trafficking’ in AMIF"),
        ("?q=trafficking", "New calls matching ‘trafficking’"),
        ("?fund=AMIF", "New calls in AMIF"),
        (
            "?q=integration&theme=integration&eligible=ngos",
            "New calls matching ‘integration’, and 2 more filters",
        ),
        ("?theme=integration", "New calls matching your filters"),
        ("?", "All new calls"),
    ],
)
def test_a_search_alert_is_named_in_words(client, db, search, named):
    subscription = follow(search=search)
    response = client.get(reverse("alerts_manage", args=[manage_token(subscription)]))
    assert named in response.text
    assert "/calls/?" not in response.text


def manage_token(subscription: Subscription) -> str:
    from alerts.links import manage_url

    return manage_url(subscription.subscriber).rstrip("/").rsplit("/", 1)[-1]


def test_the_words_of_a_search():
    assert SearchInWords.of("?q=+trafficking+&fund=AMIF&closes_after=2025-01-01") == SearchInWords(
        "trafficking", "AMIF", 1
    )


def test_back_after_subscribing_returns_to_the_page_of_the_form(client, demo):
    page = reverse("programme_detail", args=["amif-2021-2027"])
    form = client.get(page).text
    assert f'name="next" value="{page}"' in form
    data = {"email": "applicant@example.org", "programme": "amif-2021-2027", "next": page}
    sent = client.post(reverse("alerts_subscribe"), data, follow=True)
    assert f'<a href="{page}">Back to where you were</a>' in sent.text


def test_back_never_leaves_the_site(client, demo):
    data = {
        "email": "applicant@example.org",
        "programme": "amif-2021-2027",
        "next": "https://evil.example/",
    }
    sent = client.post(reverse("alerts_subscribe"), data, follow=True)
    assert "evil.example" not in sent.text
    assert f'<a href="{reverse("call_list")}">Back to where you were</a>' in sent.text
