"""Each news item has a page of its own, linked from the list, the home page and the feed."""

import pytest
from django.urls import reverse

from projects.models import NewsItem

pytestmark = pytest.mark.usefixtures("demo")


def test_a_news_item_has_its_own_page(client):
    item = NewsItem.objects.exclude(published_on=None).first()
    url = reverse("news_detail", args=[item.slug])
    assert item.get_absolute_url() == url
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{item.title}</h1>" in response.text
    assert f'href="{url}"' in client.get(reverse("news_list")).text
    assert f'href="{url}"' in client.get(reverse("home")).text


def test_an_unknown_news_item_is_not_found(client):
    assert client.get(reverse("news_detail", args=["no-such-news"])).status_code == 404
