"""Sending the confirmation e-mail of a subscription (double opt-in).

Its moment is recorded only once the SMTP server has taken it: a confirmation queued
but never sent (the broker down, a task lost) is found and queued again by the sweep.
"""

from django.utils import timezone

from alerts import emails
from alerts.mailer import SEND_ERRORS, TransientFailure, is_transient
from alerts.models import Subscription


def confirmation_deliver(subscription_id: int) -> None:
    """E-mail the confirmation link of a subscription not confirmed yet, and record when.

    Raises TransientFailure if it is worth trying again.
    """
    subscription = (
        Subscription.objects.select_related("subscriber", "call", "programme")
        .filter(pk=subscription_id, confirmed_at__isnull=True)
        .first()
    )
    if subscription is None:
        return
    try:
        emails.confirmation(subscription).send()
    except SEND_ERRORS as error:
        if is_transient(error):
            raise TransientFailure(str(error)) from error
        raise
    Subscription.objects.filter(pk=subscription.pk).update(confirmation_sent_at=timezone.now())
