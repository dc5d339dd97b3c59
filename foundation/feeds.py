"""The base of the portal's Atom feeds: links on SITE_URL (foundation/site.py), like every
other absolute link, where Django's feeds would use the host the request named."""

from django.contrib.syndication.views import Feed
from django.urls import reverse

from foundation.site import absolute_url


class SiteFeed(Feed):
    """Subclasses name their own URL (`url_name`) and the page they summarise (`page_name`)."""

    url_name: str
    page_name: str

    def link(self) -> str:
        return absolute_url(reverse(self.page_name))

    def feed_url(self) -> str:
        return absolute_url(reverse(self.url_name))

    def item_link(self, item) -> str:
        return absolute_url(item.get_absolute_url())
