from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from calls.feeds import PlainTextAtom1Feed
from calls.models import BRUSSELS
from projects.models import NewsItem

FEED_LENGTH = 50


class NewsFeed(Feed):
    """Atom feed of the dated news items, newest first."""

    feed_type = PlainTextAtom1Feed
    title = _("News on EU migration initiatives")

    def link(self):
        return reverse("news_list")

    def items(self):
        return NewsItem.objects.exclude(published_on=None).select_related("initiative")[
            :FEED_LENGTH
        ]

    def item_description(self, item: NewsItem) -> str:
        return item.body

    def item_pubdate(self, item: NewsItem) -> datetime:
        return datetime.combine(item.published_on, time(0), tzinfo=BRUSSELS)

    # Atom requires an updated date on every entry; news items are not revised.
    item_updateddate = item_pubdate
