from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from calls.models import Call
from portal.feeds import SiteFeed

FEED_LENGTH = 50


class NewCallsFeed(SiteFeed):
    """Atom feed of the calls most recently published."""

    feed_type = Atom1Feed
    title = _("New calls for proposals")
    subtitle = _("Calls for proposals on migration, asylum and integration, newest first.")
    url_name, page_name = "calls_feed", "call_list"

    def items(self):
        calls = Call.objects.public().select_related("programme__fund")
        return calls.order_by("-published_at", "identifier")[:FEED_LENGTH]

    def item_title(self, call: Call) -> str:
        return f"{call.identifier}: {call.title}"

    def item_description(self, call: Call) -> str:
        return call.summary or call.description

    def item_pubdate(self, call: Call):
        return call.published_at

    def item_updateddate(self, call: Call):
        return call.updated_at

    def item_categories(self, call: Call):
        return [call.programme.fund.code]
