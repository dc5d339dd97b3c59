"""The e-mails of alerts, one small function per message.

Each has a text and an HTML part rendered in the subscriber's language from
templates/emails/<name>-subject.txt, -body.txt and -body.html, a link to manage the
address's subscriptions, and, for anything but the confirmation, `List-Unsubscribe`
and `List-Unsubscribe-Post` headers (RFC 2369, RFC 8058). Dates are shown in Brussels
time, the time zone of EU deadlines.

The Message-ID of a notification is fixed by its row: should a message ever go out
twice (see docs/architecture.md, "Exactly once"), mail systems see the same message.
"""

import email.policy
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from alerts import links
from alerts.models import Notification, Subscriber, Subscription
from calls.calendar import deadlines_calendar
from calls.models import Call


def confirmation(subscription: Subscription) -> EmailMultiAlternatives:
    subscriber = subscription.subscriber
    with translation.override(subscriber.language):
        context = {
            "subscription": subscription,
            "confirm_url": links.confirm_url(subscription),
            "valid_days": settings.ALERTS_CONFIRM_DAYS,
        }
        return _message("alert-confirm", context, subscriber)


def reminder(notification: Notification) -> EmailMultiAlternatives:
    call, subscriber = notification.call, notification.subscription.subscriber
    with translation.override(subscriber.language):
        deadline = next(d for d in call.deadlines.all() if d.due_at == notification.due_at)
        deadline.call = call
        # The days actually left (a late subscription gets the 3-day reminder 2 days before).
        days_left = (timezone.localdate(deadline.due_at) - timezone.localdate()).days
        context = {"deadline": deadline, "days": days_left}
        message = _about_call("reminder", context, notification)
    message.attach(
        f"{call.identifier}.ics",
        deadlines_calendar([deadline], name=call.identifier),
        "text/calendar",
    )
    return message


def deadline_changed(notification: Notification) -> EmailMultiAlternatives:
    with translation.override(notification.subscription.subscriber.language):
        return _about_call("deadline-changed", {"change": notification.change}, notification)


def call_cancelled(notification: Notification) -> EmailMultiAlternatives:
    with translation.override(notification.subscription.subscriber.language):
        return _about_call("call-cancelled", {"change": notification.change}, notification)


def digest(subscriber: Subscriber, notifications: list[Notification]) -> EmailMultiAlternatives:
    """The daily e-mail of new calls, each once however many subscriptions it matched."""
    calls = list({n.call_id: n.call for n in notifications}.values())
    subscriptions = [n.subscription for n in notifications]
    with translation.override(subscriber.language):
        context = {"calls": [_call_context(call) for call in calls]}
        message = _message("digest", context, subscriber, subscriptions=subscriptions)
    day = timezone.localdate()
    message.extra_headers["Message-ID"] = _message_id(f"digest-{subscriber.pk}-{day:%Y%m%d}")
    return message


BY_KIND = {
    Notification.Kind.REMINDER: reminder,
    Notification.Kind.DEADLINE_CHANGED: deadline_changed,
    Notification.Kind.CANCELLED: call_cancelled,
}


def for_notification(notification: Notification) -> EmailMultiAlternatives:
    return BY_KIND[notification.kind](notification)


def _about_call(name: str, context: dict, notification: Notification) -> EmailMultiAlternatives:
    subscription = notification.subscription
    context = {**context, **_call_context(notification.call), "subscription": subscription}
    message = _message(name, context, subscription.subscriber, subscriptions=[subscription])
    message.extra_headers["Message-ID"] = _message_id(f"notification-{notification.pk}")
    return message


def _call_context(call: Call) -> dict:
    return {"call": call, "call_url": links.absolute(call.get_absolute_url())}


def _message(
    name: str, context: dict, subscriber: Subscriber, *, subscriptions: list | None = None
) -> EmailMultiAlternatives:
    """Render one message (in the active language) to `subscriber`."""
    context = {
        **context,
        "site_url": settings.SITE_URL,
        "manage_url": links.manage_url(subscriber),
        "LANGUAGE_CODE": translation.get_language(),
    }
    headers = {}
    if subscriptions:
        unsubscribe = links.unsubscribe_url(subscriber, subscriptions)
        context["unsubscribe_url"] = unsubscribe
        headers = {"List-Unsubscribe": f"<{unsubscribe}>"}
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    context["title"] = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    message = AlertEmail(
        subject=context["title"],
        body=render_to_string(f"emails/{name}-body.txt", context),
        to=[subscriber.email],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{name}-body.html", context), "text/html")
    return message


class AlertEmail(EmailMultiAlternatives):
    """Headers may be as long as RFC 5322 allows (998 characters): folded at 78, Python
    would turn the long URL of List-Unsubscribe into an encoded word mail clients cannot
    use."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


def _message_id(local_part: str) -> str:
    return f"<{local_part}@{urlsplit(settings.SITE_URL).hostname}>"
