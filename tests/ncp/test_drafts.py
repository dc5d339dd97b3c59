"""Drafts and scheduled calls: seen by their editors in /manage/, nowhere public until their
publication moment."""

from datetime import datetime

import pytest
from django.urls import reverse

from calls.models import Call
from foundation.brussels import BRUSSELS
from tests.ncp.formdata import NEW_IDENTIFIER, new_call_data


@pytest.fixture
def signed_in(client, ncp_a, contact_point_a):
    client.force_login(ncp_a)
    return client


def public_places(client, programme) -> dict[str, str]:
    """Every public page, feed and file that lists calls, by name: its text."""
    urls = {
        "call list": reverse("call_list") + "?status=open&status=forthcoming&status=closed",
        "feed": reverse("calls_feed"),
        "calendar": reverse("deadlines_calendar"),
        "sitemap": reverse("sitemap"),
        "programme page": reverse("programme_detail", args=[programme.slug]),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def places_showing(client, programme, identifier: str) -> list[str]:
    return sorted(
        name for name, text in public_places(client, programme).items() if identifier in text
    )


ALL_PLACES = sorted(["call list", "feed", "calendar", "sitemap", "programme page"])


def test_a_draft_is_seen_by_its_editors_only_until_it_is_published(signed_in, programme_a):
    assert (
        signed_in.post(reverse("manage_call_create"), new_call_data(programme_a)).status_code == 302
    )
    public_page = reverse("call_detail", args=[NEW_IDENTIFIER])

    assert NEW_IDENTIFIER in signed_in.get(reverse("manage_home")).content.decode()
    assert signed_in.get(public_page).status_code == 404
    assert places_showing(signed_in, programme_a, NEW_IDENTIFIER) == []

    publish = reverse("manage_call_publish", args=[NEW_IDENTIFIER])
    assert signed_in.post(publish, {"publish-when": "now"}).status_code == 302

    assert signed_in.get(public_page).status_code == 200
    assert places_showing(signed_in, programme_a, NEW_IDENTIFIER) == ALL_PLACES


def test_a_scheduled_call_appears_at_its_publication_moment(signed_in, programme_a, clock):
    moment = "2025-03-05T09:00"
    data = new_call_data(programme_a, publication="later", publish_at=moment)
    assert signed_in.post(reverse("manage_call_create"), data).status_code == 302
    public_page = reverse("call_detail", args=[NEW_IDENTIFIER])
    overview = signed_in.get(reverse("manage_home")).content.decode()
    assert "Scheduled for 5 March 2025, 09:00" in overview

    clock.move_to(datetime(2025, 3, 5, 8, 59, 59, tzinfo=BRUSSELS))
    assert signed_in.get(public_page).status_code == 404
    assert places_showing(signed_in, programme_a, NEW_IDENTIFIER) == []

    clock.move_to(datetime(2025, 3, 5, 9, 0, tzinfo=BRUSSELS))
    assert signed_in.get(public_page).status_code == 200
    assert places_showing(signed_in, programme_a, NEW_IDENTIFIER) == ALL_PLACES


def test_unpublishing_hides_a_call_again(signed_in, programme_a, call_a):
    assert places_showing(signed_in, programme_a, call_a.identifier) == ALL_PLACES

    response = signed_in.post(reverse("manage_call_unpublish", args=[call_a.identifier]))

    assert response.status_code == 302
    assert Call.objects.get(pk=call_a.pk).published_at is None
    assert signed_in.get(call_a.get_absolute_url()).status_code == 404
    assert places_showing(signed_in, programme_a, call_a.identifier) == []


def test_scheduling_an_existing_draft_from_its_page(signed_in, draft_a):
    url = reverse("manage_call_publish", args=[draft_a.identifier])

    missing = signed_in.post(url, {"publish-when": "later", "publish-at": ""})
    assert missing.status_code == 200
    assert missing.context["publish_form"].errors == {"at": ["Give the moment of publication."]}
    assert 'href="#id_publish-at"' in missing.content.decode()
    assert Call.objects.get(pk=draft_a.pk).published_at is None

    response = signed_in.post(url, {"publish-when": "later", "publish-at": "2025-04-01T09:00"})
    assert response.status_code == 302
    published_at = Call.objects.get(pk=draft_a.pk).published_at
    assert published_at == datetime(2025, 4, 1, 9, tzinfo=BRUSSELS)


def test_a_publication_cannot_be_scheduled_in_the_past(signed_in, draft_a, programme_a):
    """CLOCK is 3 March 2025, 10:00 Brussels."""
    url = reverse("manage_call_publish", args=[draft_a.identifier])
    response = signed_in.post(url, {"publish-when": "later", "publish-at": "2020-01-01T09:00"})
    assert response.status_code == 200
    assert response.context["publish_form"].errors == {
        "at": ["A publication cannot be scheduled in the past."]
    }
    assert Call.objects.get(pk=draft_a.pk).published_at is None

    data = new_call_data(programme_a, publication="later", publish_at="2025-03-03T09:00")
    created = signed_in.post(reverse("manage_call_create"), data)
    assert created.context["publication"].errors == {
        "publish_at": ["A publication cannot be scheduled in the past."]
    }
    assert not Call.objects.filter(identifier=NEW_IDENTIFIER).exists()
