from datetime import datetime, time

from django.utils.translation import gettext_lazy as _

from calls.feeds import PlainTextAtom1Feed
from foundation.brussels import BRUSSELS
from foundation.feeds import SiteFeed
from projects.models import NewsItem

FEED_LENGTH = 50


class NewsFeed(SiteFeed):
    """Atom feed of the dated news items, newest first."""

    feed_type = PlainTextAtom1Feed
    title = _("News on EU migration initiatives")

    url_name, page_name = "news_feed", "news_list"

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
