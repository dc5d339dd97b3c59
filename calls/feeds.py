from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from calls.models import Call
from foundation.feeds import SiteFeed
from programmes.validators import without_control_characters

FEED_LENGTH = 50


class PlainTextAtom1Feed(Atom1Feed):
    """An Atom feed whose entries leave out the control characters XML 1.0 cannot hold.

    The models refuse them now, but a text stored before (or written by a door that
    skipped validation) would otherwise fail the whole feed for everyone.
    """

    def add_item(self, **kwargs):
        super().add_item(
            **{
                name: without_control_characters(value) if isinstance(value, str) else value
                for name, value in kwargs.items()
            }
        )


class NewCallsFeed(SiteFeed):
    """Atom feed of the calls most recently published."""

    feed_type = PlainTextAtom1Feed
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
