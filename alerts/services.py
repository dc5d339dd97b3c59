"""Subscribing, confirming and leaving: the changes views, admin and tasks share."""

import hashlib
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.models import Notification, Subscriber, Subscription
from alerts.tasks import queue_confirmations, queue_notifications
from calls.models import Call
from foundation.counters import window_count
from programmes.models import Programme

# A new confirmation e-mail for the same subscription goes out at most this often,
# so that the form cannot be used to flood someone's inbox.
CONFIRMATION_INTERVAL = timedelta(minutes=10)


class SubscriptionRefused(ValidationError):
    """A limit on unconfirmed subscriptions or confirmation e-mails was reached; nothing
    was recorded or sent."""


@transaction.atomic
def subscription_request(
    *,
    email: str,
    language: str,
    call: Call | None = None,
    programme: Programme | None = None,
    search: str = "",
    client: str = "",
) -> Subscription:
    """Record that `email` asks to follow one thing, and e-mail a confirmation link.

    Nothing else is sent until it is confirmed. Asking again for a confirmed
    subscription changes nothing. `SubscriptionRefused` over the limits of
    unconfirmed subscriptions per address and of confirmation e-mails per address
    and per client address (`client`, the requester's IP).
    """
    subscriber, _ = Subscriber.objects.get_or_create(
        email=email.strip().lower(), defaults={"language": language}
    )
    subscription, created = Subscription.objects.get_or_create(
        subscriber=subscriber, call=call, programme=programme, search=search
    )
    now = timezone.now()
    if subscription.confirmed_at is not None or _confirmation_on_its_way(subscription, now):
        return subscription
    if created:
        _check_unconfirmed_limit(subscriber)
    _count_confirmation(subscriber.email, client)
    if subscriber.language != language:
        subscriber.language = language
        subscriber.save(update_fields=["language"])
    subscription.confirmation_queued_at = now
    subscription.save(update_fields=["confirmation_queued_at"])
    transaction.on_commit(partial(queue_confirmations, [subscription.pk]))
    return subscription


def _confirmation_on_its_way(subscription: Subscription, now: datetime) -> bool:
    """A confirmation was sent, or queued (and not lost: the sweep queues those again),
    less than CONFIRMATION_INTERVAL ago."""
    moments = (subscription.confirmation_sent_at, subscription.confirmation_queued_at)
    return any(moment and moment > now - CONFIRMATION_INTERVAL for moment in moments)


def _check_unconfirmed_limit(subscriber: Subscriber) -> None:
    waiting = subscriber.subscriptions.filter(confirmed_at__isnull=True).count()
    if waiting > settings.ALERTS_UNCONFIRMED_MAX:
        raise SubscriptionRefused(
            _(
                "This address already has %(count)d subscriptions waiting for confirmation. "
                "Confirm them with the links we sent, or wait a few days until they expire, "
                "before adding more."
            ),
            params={"count": waiting - 1},
            code="unconfirmed",
        )


def _count_confirmation(email: str, client: str) -> None:
    """Count one confirmation e-mail for the address and for the client, or refuse it.
    Counts are kept in the cache (foundation/counters.py): with it down, they let it through."""
    if client:
        count = window_count(f"confirm-client:{client}", 3600)
        if count is not None and count > settings.ALERTS_CONFIRMATIONS_PER_CLIENT:
            raise SubscriptionRefused(
                _(
                    "Too many subscriptions were asked for from your network in the last hour. "
                    "Please try again later."
                ),
                code="client",
            )
    address = hashlib.blake2b(email.encode(), digest_size=16).hexdigest()
    count = window_count(f"confirm-address:{address}", 24 * 3600)
    if count is not None and count > settings.ALERTS_CONFIRMATIONS_PER_ADDRESS:
        raise SubscriptionRefused(
            _(
                "We have already sent several confirmation e-mails to this address today. "
                "Please confirm with one of them, or try again tomorrow."
            ),
            code="address",
        )


def subscription_confirm(*, subscription: Subscription, at: datetime | None = None) -> None:
    """Confirm a subscription (a second confirmation keeps the first moment)."""
    Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
        confirmed_at=at or timezone.now()
    )


@transaction.atomic
def subscriptions_end(*, subscriber: Subscriber, ids: list[int] | None = None) -> int:
    """End some of an address's subscriptions (all when `ids` is None).

    With the last one gone the address itself is deleted, and with it every
    notification: the portal keeps no personal data of someone who left.
    """
    subscriptions = subscriber.subscriptions.all()
    if ids is not None:
        subscriptions = subscriptions.filter(pk__in=ids)
    ended, _ = subscriptions.delete()
    if not subscriber.subscriptions.exists():
        subscriber.delete()
    return ended


@transaction.atomic
def notifications_retry(*, notifications) -> int:
    """Send failed notifications again (the admin's action): pending, with fresh attempts.

    Reminders and notices are queued at once; new calls go out with the next digest.
    """
    ids = list(notifications.exclude(state=Notification.State.SENT).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        state=Notification.State.PENDING, attempts=0, last_error="", queued_at=timezone.now()
    )
    direct = Notification.objects.filter(pk__in=ids).exclude(kind=Notification.Kind.NEW_CALL)
    queue_notifications(list(direct.values_list("pk", flat=True)))
    return len(ids)


def subscriptions_search_retry(*, subscriptions) -> int:
    """Let the sweep run these failed saved searches again; how many there were."""
    return subscriptions.filter(search_failed_at__isnull=False).update(
        search_failed_at=None, search_error=""
    )
