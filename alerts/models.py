"""Who follows what by e-mail, and every e-mail the portal owes them.

A `Subscriber` is one e-mail address and its language. Each `Subscription` follows one
call, one programme or one saved search of /calls/, and acts only once confirmed
(double opt-in). Each e-mail to send is a `Notification` row, unique per subscription,
call, kind and slot (which deadline and offset, which change), with a state: the
periodic sweep (alerts/sweep.py) creates due rows, tasks claim them one by one.

Deleting a subscriber deletes their subscriptions and notifications: nothing keeps the
address once someone leaves (no history is recorded for these models).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from calls.models import Call, CallChange, CallStatus
from foundation.brussels import BRUSSELS
from programmes.models import Programme


def reminder_moment(due_at: datetime, days: int) -> datetime:
    """When the reminder `days` before a deadline is due: the same wall-clock time in
    Brussels `days` calendar days earlier (17:00 stays 17:00 across the CET/CEST switch)."""
    return (due_at.astimezone(BRUSSELS) - timedelta(days=days)).astimezone(due_at.tzinfo)


def due_reminder_days(due_at: datetime, at: datetime, offsets: list[int]) -> list[int]:
    """The offsets (in days) whose reminder for `due_at` is due at `at`, most recent first.

    Nothing is due once the deadline has passed.
    """
    if due_at <= at:
        return []
    return sorted(days for days in offsets if reminder_moment(due_at, days) <= at)


class Subscriber(models.Model):
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The Brussels day of the last digest, and when one was last queued (see the sweep).
    last_digest_on = models.DateField(_("last digest"), null=True, blank=True)
    digest_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self) -> str:
        return self.email


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self, *, before: datetime | None = None) -> "SubscriptionQuerySet":
        """Confirmed subscriptions (by `before`, when given)."""
        confirmed = self.filter(confirmed_at__isnull=False)
        return confirmed.filter(confirmed_at__lte=before) if before else confirmed

    def following(self, call: Call) -> "SubscriptionQuerySet":
        """Subscriptions to `call` itself or to its programme."""
        return self.filter(Q(call=call) | Q(programme_id=call.programme_id))


class Subscription(models.Model):
    """One thing an address follows: a call, a programme, or a saved search of /calls/."""

    class Topic(models.TextChoices):
        CALL = "call", _("Reminders before the deadlines of a call")
        PROGRAMME = "programme", _("New calls in a programme")
        SEARCH = "search", _("New calls matching a search")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="subscriptions"
    )
    # The query string of /calls/ (without status, sort or page), e.g. "fund=AMIF&q=trafficking".
    search = models.CharField(_("saved search"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    # When the confirmation e-mail was last handed to the broker; None when that failed.
    confirmation_queued_at = models.DateTimeField(_("confirmation queued"), null=True, blank=True)
    # A saved search the database could not run: the sweep records it here and skips
    # it from then on, so that it costs nobody else their e-mails (alerts/sweep.py);
    # the admin shows it and can try it again.
    search_failed_at = models.DateTimeField(_("saved search failed"), null=True, blank=True)
    search_error = models.TextField(_("saved search error"), blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                name="subscription_follows_one_thing",
                condition=(
                    Q(call__isnull=False, programme__isnull=True, search="")
                    | Q(call__isnull=True, programme__isnull=False, search="")
                    | (Q(call__isnull=True, programme__isnull=True) & ~Q(search=""))
                ),
            ),
            models.UniqueConstraint(
                fields=["subscriber", "call"],
                condition=Q(call__isnull=False),
                name="unique_call_subscription",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "programme"],
                condition=Q(programme__isnull=False),
                name="unique_programme_subscription",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "search"],
                condition=~Q(search=""),
                name="unique_search_subscription",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber}: {self.topic_label}"

    @property
    def topic(self) -> "Subscription.Topic":
        if self.call_id:
            return self.Topic.CALL
        return self.Topic.PROGRAMME if self.programme_id else self.Topic.SEARCH

    @property
    def search_in_words(self) -> "SearchInWords":
        return SearchInWords.of(self.search)

    @property
    def topic_label(self) -> str:
        if self.call_id:
            return self.call.identifier
        return self.programme.title if self.programme_id else f"/calls/?{self.search}"


@dataclass(frozen=True)
class SearchInWords:
    """A saved search as people say it: its words, its fund and how many other filters
    narrow it ("New calls matching 'trafficking' in AMIF, and 1 more filter"). No query."""

    words: str
    fund: str
    more: int

    @classmethod
    def of(cls, search: str) -> "SearchInWords":
        data = QueryDict(search.removeprefix("?"))
        others = [name for name in data if name not in ("q", "fund") and data.get(name)]
        return cls(data.get("q", "").strip(), data.get("fund", ""), len(others))


# Why a reminder was not sent: one more recent was due for the same deadline.
SUPERSEDED = _("A more recent reminder was due at the same time.")


class NotificationQuerySet(models.QuerySet):
    def superseded(self) -> "NotificationQuerySet":
        """Reminders for which a more recent one (fewer days before the same deadline)
        exists: only the most recent of the reminders due at once is sent."""
        newer = Notification.objects.filter(
            subscription=OuterRef("subscription"),
            call=OuterRef("call"),
            kind=Notification.Kind.REMINDER,
            due_at=OuterRef("due_at"),
            remind_days__lt=OuterRef("remind_days"),
        )
        return self.filter(Exists(newer), kind=Notification.Kind.REMINDER)

    def for_sending(self) -> "NotificationQuerySet":
        """With what their e-mails need (subscriber, call with programme and fund, change,
        the call's deadlines: one query more), in id order."""
        return (
            self.select_related("subscription__subscriber", "call__programme__fund", "change")
            .prefetch_related("call__deadlines")
            .order_by("pk")
        )

    def to_queue(self, *, at: datetime, requeue_after: timedelta) -> "NotificationQuerySet":
        """Pending e-mails never queued, or queued so long ago that the task was lost
        (a worker killed before it acknowledged it)."""
        return self.filter(state=Notification.State.PENDING).filter(
            Q(queued_at__isnull=True) | Q(queued_at__lte=at - requeue_after)
        )


class Notification(models.Model):
    """One e-mail the portal owes a subscriber about a call, and what became of it."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder before a deadline")
        DEADLINE_CHANGED = "deadline-changed", _("Deadline changed")
        CANCELLED = "cancelled", _("Call cancelled")
        NEW_CALL = "new-call", _("New call (daily digest)")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="notifications"
    )
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    # Which one of its kind: "<deadline in UTC>/<days>d" for a reminder, "change-<id>"
    # for a notice, empty for a new call.
    slot = models.CharField(_("slot"), max_length=64, blank=True)
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    remind_days = models.PositiveSmallIntegerField(_("days before"), null=True, blank=True)
    change = models.ForeignKey(
        CallChange, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # The delivery task that holds a pending row (a token of its own) and until when: a
    # claim ends with the row's outcome, or lapses if the worker died (alerts/delivery.py).
    claimed_by = models.CharField(max_length=32, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "call", "kind", "slot"], name="unique_notification"
            ),
        ]
        indexes = [
            # The sweep's "pending and not queued lately" scan.
            models.Index(
                fields=["queued_at"],
                condition=Q(state="pending"),
                name="notification_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.call.identifier} → {self.subscription.subscriber}"

    def skip_reason(self, at: datetime, *, superseded: bool = False) -> str:
        """Why this notification should no longer be sent at `at`, or "" if it should.

        `superseded`: a more recent reminder exists (`NotificationQuerySet.superseded`).
        """
        call = self.call
        if self.subscription.confirmed_at is None:
            return gettext("The subscription is not confirmed.")
        if not call.is_public_at(at):
            return gettext("The call is no longer published.")
        if self.kind == self.Kind.CANCELLED:
            return ""
        if call.cancelled_at and call.cancelled_at <= at:
            return gettext("The call was cancelled.")
        if self.kind == self.Kind.NEW_CALL:
            closed = call.status_at(at) == CallStatus.CLOSED
            return gettext("The call has closed.") if closed else ""
        if self.kind == self.Kind.REMINDER:
            return self._reminder_skip_reason(at, superseded)
        return ""

    def state_after_failure(self, *, transient: bool) -> str:
        """The state after a failed attempt at sending, `attempts` not counting it yet:
        pending, to be tried again, after a transient failure while attempts remain
        (ALERTS_MAX_ATTEMPTS); failed otherwise, for good unless retried from the admin."""
        retry = transient and self.attempts + 1 < settings.ALERTS_MAX_ATTEMPTS
        return self.State.PENDING if retry else self.State.FAILED

    def _reminder_skip_reason(self, at: datetime, superseded: bool) -> str:
        if self.due_at <= at:
            return gettext("The deadline has passed.")
        if all(d.due_at != self.due_at for d in self.call.deadlines.all()):
            return gettext("The deadline has moved.")
        if superseded:
            return str(SUPERSEDED)
        return ""

    @staticmethod
    def reminder_slot(due_at: datetime, days: int) -> str:
        return f"{due_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}/{days}d"
