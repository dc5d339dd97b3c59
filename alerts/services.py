"""Subscribing, confirming and leaving: the changes views, admin and tasks share."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alerts.models import Notification, Subscriber, Subscription
from calls.models import Call
from programmes.models import Programme

# A new confirmation e-mail for the same subscription goes out at most this often,
# so that the form cannot be used to flood someone's inbox.
CONFIRMATION_INTERVAL = timedelta(minutes=10)


@transaction.atomic
def subscription_request(
    *,
    email: str,
    language: str,
    call: Call | None = None,
    programme: Programme | None = None,
    search: str = "",
) -> Subscription:
    """Record that `email` asks to follow one thing, and e-mail a confirmation link.

    Nothing else is sent until it is confirmed. Asking again for a confirmed
    subscription changes nothing.
    """
    subscriber, _ = Subscriber.objects.get_or_create(
        email=email.strip().lower(), defaults={"language": language}
    )
    subscription, _ = Subscription.objects.get_or_create(
        subscriber=subscriber, call=call, programme=programme, search=search
    )
    now = timezone.now()
    recently_sent = subscription.confirmation_sent_at and (
        subscription.confirmation_sent_at > now - CONFIRMATION_INTERVAL
    )
    if subscription.confirmed_at is None and not recently_sent:
        if subscriber.language != language:
            subscriber.language = language
            subscriber.save(update_fields=["language"])
        subscription.confirmation_sent_at = now
        subscription.save(update_fields=["confirmation_sent_at"])
        _queue_confirmation(subscription.pk)
    return subscription


def _queue_confirmation(subscription_id: int) -> None:
    from alerts.tasks import send_confirmation

    transaction.on_commit(lambda: send_confirmation.delay(subscription_id))


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


def unconfirmed_forget(*, at: datetime) -> None:
    """Delete subscriptions never confirmed, and addresses left with none."""
    expired = at - timedelta(days=settings.ALERTS_CONFIRM_DAYS)
    Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=expired).delete()
    Subscriber.objects.filter(subscriptions__isnull=True, created_at__lt=expired).delete()


@transaction.atomic
def notifications_retry(*, notifications) -> int:
    """Send failed notifications again (the admin's action): pending, with fresh attempts.

    Reminders and notices are queued at once; new calls go out with the next digest.
    """
    from alerts.tasks import queue_notifications

    ids = list(notifications.exclude(state=Notification.State.SENT).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        state=Notification.State.PENDING, attempts=0, last_error="", queued_at=timezone.now()
    )
    direct = Notification.objects.filter(pk__in=ids).exclude(kind=Notification.Kind.NEW_CALL)
    queue_notifications(list(direct.values_list("pk", flat=True)))
    return len(ids)


def subscription_search_failed(*, subscription: Subscription, at: datetime, error: str) -> None:
    """Record that the database failed to run `subscription`'s saved search at `at`."""
    Subscription.objects.filter(pk=subscription.pk).update(
        search_failed_at=at, search_error=error[:2000]
    )


def subscriptions_search_retry(*, subscriptions) -> int:
    """Let the sweep run these failed saved searches again; how many there were."""
    return subscriptions.filter(search_failed_at__isnull=False).update(
        search_failed_at=None, search_error=""
    )
