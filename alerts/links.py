"""The signed links of alert e-mails: confirm a subscription, manage an address's
subscriptions, unsubscribe in one click.

Each token is signed with SECRET_KEY and names the address, so it cannot be forged or
turned to another subscriber; nothing is stored. A link opened with GET only shows a
button (mail scanners follow links); the POST behind it acts.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from alerts.models import Subscriber, Subscription
from foundation.site import absolute_url

CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


def confirm_url(subscription: Subscription) -> str:
    token = signing.dumps([subscription.pk, subscription.subscriber.email], salt=CONFIRM_SALT)
    return absolute_url(reverse("alerts_confirm", args=[token]))


def manage_url(subscriber: Subscriber) -> str:
    token = signing.dumps([subscriber.pk, subscriber.email], salt=MANAGE_SALT)
    return absolute_url(reverse("alerts_manage", args=[token]))


def unsubscribe_url(subscriber: Subscriber, subscriptions: list[Subscription]) -> str:
    """A one-click link (RFC 8058) that ends `subscriptions`, all of `subscriber`."""
    ids = sorted({subscription.pk for subscription in subscriptions})
    token = signing.dumps([subscriber.pk, subscriber.email, ids], salt=UNSUBSCRIBE_SALT)
    return absolute_url(reverse("alerts_unsubscribe", args=[token]))


def subscription_to_confirm(token: str) -> Subscription | None:
    """The subscription a confirmation link names, if the link is genuine and not too old."""
    max_age = settings.ALERTS_CONFIRM_DAYS * 24 * 3600
    try:
        pk, email = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        Subscription.objects.select_related("subscriber", "call", "programme")
        .filter(pk=pk, subscriber__email=email)
        .first()
    )


def subscriber_to_manage(token: str) -> Subscriber | None:
    """The subscriber a manage link names, if the link is genuine (it does not expire:
    every e-mail carries one, and leaving must always work)."""
    try:
        pk, email = signing.loads(token, salt=MANAGE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Subscriber.objects.filter(pk=pk, email=email).first()


def subscriptions_to_end(token: str) -> tuple[Subscriber | None, list[int]]:
    """The subscriber and subscription ids an unsubscribe link names."""
    try:
        pk, email, ids = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None, []
    return Subscriber.objects.filter(pk=pk, email=email).first(), list(ids)
