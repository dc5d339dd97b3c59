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
import re
from datetime import UTC, datetime
from email.headerregistry import HeaderRegistry
from email.message import MIMEPart
from email.utils import format_datetime, localtime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from alerts import links
from alerts.models import Notification, Subscriber, Subscription
from calls.calendar import deadlines_calendar
from calls.models import Call
from foundation.site import absolute_url, site_host


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
        later = [d for d in call.deadlines.all() if d.due_at > deadline.due_at]
        context = {"deadline": deadline, "days": days_left, "later_deadlines": later}
        same_for = (call.pk, call.updated_at, deadline.due_at, deadline.label, days_left)
        message = _about_call("reminder", context, notification, same_for=same_for)
    part, calendar_key = _calendar(deadline)
    message.attach(part)
    message.same_for_all += calendar_key
    return message


def deadline_changed(notification: Notification) -> EmailMultiAlternatives:
    return _notice("deadline-changed", notification)


def call_cancelled(notification: Notification) -> EmailMultiAlternatives:
    return _notice("call-cancelled", notification)


def _notice(name: str, notification: Notification) -> EmailMultiAlternatives:
    same_for = (notification.change_id, notification.call.updated_at)
    with translation.override(notification.subscription.subscriber.language):
        context = {"change": notification.change}
        return _about_call(name, context, notification, same_for=same_for)


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


def _about_call(
    name: str, context: dict, notification: Notification, *, same_for: tuple
) -> EmailMultiAlternatives:
    subscription = notification.subscription
    context = {**context, **_call_context(notification.call)}
    message = _message(
        name, context, subscription.subscriber, subscriptions=[subscription], same_for=same_for
    )
    message.extra_headers["Message-ID"] = _message_id(f"notification-{notification.pk}")
    return message


def _call_context(call: Call) -> dict:
    """The call, its link, and its next deadline (the last once all have passed): a call
    with several stages is named by the one to meet first, not by its final one."""
    return {
        "call": call,
        "call_url": absolute_url(call.get_absolute_url()),
        "next_deadline": call.deadline_after(timezone.now()) or call.final_deadline,
        "deadline_count": len(call.deadlines.all()),
    }


# Thousands of people may get the same reminder, but each with links of their own: the
# texts are rendered once per language with stand-ins for the links, which are then put
# in (they hold only characters that HTML escaping leaves alone). Keyed by what the text
# shows, so an edited call is rendered afresh.
MANAGE_LINK, UNSUBSCRIBE_LINK = "urn:x-portal:manage-link", "urn:x-portal:unsubscribe-link"
_rendered: dict[tuple, tuple[str, str, str]] = {}
_calendars: dict[tuple, MIMEPart] = {}
CACHE_SIZE = 256


def _message(
    name: str,
    context: dict,
    subscriber: Subscriber,
    *,
    subscriptions: list | None = None,
    same_for: tuple | None = None,
) -> EmailMultiAlternatives:
    """Render one message (in the active language) to `subscriber`; `same_for`: a key of
    what the message shows besides the links, when it is the same for many people."""
    links_in = {MANAGE_LINK: links.manage_url(subscriber)}
    headers = {}
    if subscriptions:
        links_in[UNSUBSCRIBE_LINK] = links.unsubscribe_url(subscriber, subscriptions)
        headers = {"List-Unsubscribe": f"<{links_in[UNSUBSCRIBE_LINK]}>"}
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    key = (name, translation.get_language(), *same_for) if same_for else None
    texts = _rendered.get(key) if key else None
    if texts is None:
        texts = _render(name, context, unsubscribe=bool(subscriptions))
        if key:
            _remember(_rendered, key, texts)
    subject, body, html = (_put_links(text, links_in) for text in texts)
    message = AlertEmail(subject=subject, body=body, to=[subscriber.email], headers=headers)
    message.attach_alternative(html, "text/html")
    if key:
        message.same_for_all, message.texts, message.links_in = key, texts, links_in
    return message


def _render(name: str, context: dict, *, unsubscribe: bool) -> tuple[str, str, str]:
    context = {
        **context,
        "site_url": settings.SITE_URL,
        "manage_url": MANAGE_LINK,
        "unsubscribe_url": UNSUBSCRIBE_LINK if unsubscribe else "",
        "LANGUAGE_CODE": translation.get_language(),
    }
    context["title"] = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    body = render_to_string(f"emails/{name}-body.txt", context)
    return context["title"], body, render_to_string(f"emails/{name}-body.html", context)


def _put_links(text: str, links_in: dict[str, str]) -> str:
    for stand_in, link in links_in.items():
        text = text.replace(stand_in, link)
    return text


def _calendar(deadline) -> MIMEPart:
    """The deadline as an .ics attachment, and its key, made once for all who are
    reminded of it: the same part goes into each of their messages (writing a message out
    leaves its parts as they are)."""
    call = deadline.call
    key = (deadline.pk, deadline.due_at, deadline.label, call.identifier, call.title)
    if key not in _calendars:
        part = MIMEPart(policy=email.policy.default.clone(header_factory=HEADER_CLASSES))
        ics = deadlines_calendar([deadline], name=call.identifier).decode()
        part.set_content(
            ics, subtype="calendar", disposition="attachment", filename=f"{call.identifier}.ics"
        )
        _remember(_calendars, key, part)
    return _calendars[key], key


def _remember(cache: dict, key: tuple, value) -> None:
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = value


class HeaderClasses(HeaderRegistry):
    """Python's header registry makes a new class for every header it sets, about 25 a
    message: a quarter of the time it took to build and write one. A header's class
    depends only on its name, so each is made once."""

    def __init__(self):
        super().__init__()
        self.made = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self.made:
            self.made[key] = super().__getitem__(name)
        return self.made[key]


HEADER_CLASSES = HeaderClasses()


class AlertEmail(EmailMultiAlternatives):
    """Headers may be as long as RFC 5322 allows (998 characters): folded at 78, Python
    would turn the long URL of List-Unsubscribe into an encoded word mail clients cannot
    use. Header classes come from HEADER_CLASSES.

    A message rendered from shared texts (`same_for_all` set by `_message`) is written
    out from a skeleton: the same message, written once by Python's e-mail package with
    stand-ins for what differs between recipients (address, links, Message-ID, Date),
    which are then put in. Writing a message out was more than half of the worker's CPU
    an e-mail took (bench/reminders.py). The stand-ins are ASCII and the parts 7- or 8-bit,
    so the written bytes hold them as they are; a skeleton where one of them is not found
    as often as expected (a body that had to be encoded) is not used."""

    same_for_all: tuple = ()
    texts: tuple = ()
    links_in: dict = {}

    def message(self, *, policy=email.policy.default):
        policy = policy.clone(max_line_length=998, header_factory=HEADER_CLASSES)
        if self.same_for_all and self.to and self.to[0].isascii():
            skeleton = _skeleton(self, policy)
            if skeleton is not None:
                return WrittenMessage(skeleton.fill(self))
        return super().message(policy=policy)


# Stand-ins of a skeleton besides the links: ASCII, and valid where they stand.
TO, MESSAGE_ID = "recipient@skeleton.invalid", "<message-id@skeleton.invalid>"
DATE = "Thu, 01 Jan 1970 00:00:00 -0000"
_skeletons: dict[tuple, "Skeleton | None"] = {}


class Skeleton:
    def __init__(self, written: bytes):
        self.written = written

    def fill(self, message: AlertEmail) -> bytes:
        now = localtime() if settings.EMAIL_USE_LOCALTIME else datetime.now(UTC)
        values = {
            **message.links_in,
            TO: message.to[0],
            MESSAGE_ID: message.extra_headers["Message-ID"],
            DATE: format_datetime(now),  # as Python writes the Date Django sets
        }
        written = self.written
        for stand_in, value in values.items():
            written = written.replace(stand_in.encode(), value.encode())
        return written


def _skeleton(message: AlertEmail, policy) -> Skeleton | None:
    """The skeleton of `message` for `policy`'s line ends, made at its first use."""
    key = (
        *message.same_for_all,
        policy.linesep,
        message.from_email,
        tuple(message.extra_headers),
        *map(tuple, (message.cc, message.bcc, message.reply_to)),
    )
    if key not in _skeletons:
        _remember(_skeletons, key, _make_skeleton(message, policy))
    return _skeletons[key]


def _make_skeleton(message: AlertEmail, policy) -> Skeleton | None:
    """`message` written with stand-ins; None if they are not all found where expected."""
    if "Message-ID" not in message.extra_headers:
        return None
    subject, body, html = message.texts
    links_out = {link: stand_in for stand_in, link in message.links_in.items()}
    headers = {name: _put_links(value, links_out) for name, value in message.extra_headers.items()}
    headers["Message-ID"] = MESSAGE_ID
    twin = AlertEmail(
        subject=subject,
        body=body,
        to=[TO],
        from_email=message.from_email,
        cc=message.cc,
        bcc=message.bcc,
        reply_to=message.reply_to,
        headers=headers,
        alternatives=[(html, "text/html")],
        attachments=message.attachments,
    )
    written = EmailMultiAlternatives.message(twin, policy=policy).as_bytes()
    # The Date Django set, where it set it (before the extra headers).
    written = re.sub(rb"^Date: [^\r\n]*", b"Date: " + DATE.encode(), written, count=1, flags=re.M)
    expected = {TO: 1, MESSAGE_ID: 1, DATE: 1}
    for stand_in in message.links_in:
        in_headers = sum(value.count(stand_in) for value in headers.values())
        expected[stand_in] = in_headers + body.count(stand_in) + html.count(stand_in)
    if any(written.count(s.encode()) != count for s, count in expected.items()):
        return None
    return Skeleton(written)


class WrittenMessage:
    """A message already written out, for the mail backends (which only write it)."""

    def __init__(self, written: bytes):
        self.written = written

    def as_bytes(self, unixfrom: bool = False, policy=None) -> bytes:
        return self.written

    def as_string(self, unixfrom: bool = False, policy=None) -> str:
        return self.written.decode()


def _message_id(local_part: str) -> str:
    return f"<{local_part}@{site_host()}>"
