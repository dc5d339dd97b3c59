"""Webhooks: partners' endpoints, the events of calls (an outbox), and each event's
delivery to each endpoint.

An event and its deliveries are written by calls/services.py in the transaction of the
change itself (api/webhooks/events.py): a change that rolls back leaves no event, and a
committed one always has its rows, whatever happens to the broker or the workers. The
delivery rows are the queue's truth; Celery tasks only say "try this row now"
(api/webhooks/delivery.py).
"""

import base64
import secrets
import uuid
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import Call


class EventType(models.TextChoices):
    CALL_PUBLISHED = "call.published", _("Call published")
    CALL_CHANGED = "call.changed", _("Call changed")
    CALL_DEADLINE_MOVED = "call.deadline_moved", _("Deadline moved")
    CALL_CANCELLED = "call.cancelled", _("Call cancelled")
    CALL_CLOSING_SOON = "call.closing_soon", _("Call closing soon")


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpointQuerySet(models.QuerySet):
    def enabled(self) -> "WebhookEndpointQuerySet":
        """Endpoints to deliver to: not disabled, and their key (if any) not revoked."""
        return self.filter(disabled_at__isnull=True).filter(
            Q(api_key__isnull=True) | Q(api_key__revoked_at__isnull=True)
        )


class WebhookEndpoint(models.Model):
    """A partner's URL and the events it wants, signed with its own secret."""

    api_key = models.ForeignKey(
        "api.ApiKey",
        verbose_name=_("API key"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        help_text=_("The partner's key that manages this endpoint through the API."),
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list, help_text=_("The event types wanted."))
    description = models.CharField(_("description"), max_length=200, blank=True)
    owner_email = models.EmailField(
        _("owner's e-mail"), help_text=_("Told when the endpoint is disabled after failures.")
    )
    # Kept in clear: signing needs it (like any HMAC secret); shown once, at creation.
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    failing_since = models.DateTimeField(
        _("failing since"),
        null=True,
        blank=True,
        help_text=_("The first failure since the last delivery that succeeded."),
    )
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=300, blank=True)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return event_type in self.events

    @property
    def is_enabled(self) -> bool:
        return self.disabled_at is None


class WebhookEvent(models.Model):
    """Something that happened to a call, as partners receive it: `body` is the JSON sent
    (id, type, timestamp, data), fixed when the event is made, so that every attempt
    and every redelivery sends the same event with the same id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(_("type"), max_length=40, choices=EventType)
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="webhook_events"
    )
    # Which one of its type for events made by the sweep ("<deadline in UTC>/<days>d" for
    # closing soon), so that a sweep run twice makes it once; empty for the others.
    slot = models.CharField(_("slot"), max_length=64, blank=True)
    body = models.JSONField(_("body"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "type", "slot"],
                condition=~Q(slot=""),
                name="unique_webhook_event_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    @property
    def message_id(self) -> str:
        """The `webhook-id` header: the same on every attempt, for partners to deduplicate."""
        return f"msg_{self.id.hex}"


class WebhookDelivery(models.Model):
    """One event owed to one endpoint, and what became of it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Attempts stop after this moment (a day after the event, or after a redelivery).
    give_up_at = models.DateTimeField(_("retried until"))
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="unique_webhook_delivery")
        ]
        indexes = [
            # The sweep's "pending and due" scan.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="webhook_delivery_pending",
            ),
            # A partner's recent deliveries.
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"

    def is_due(self, at: datetime) -> bool:
        return self.state == self.State.PENDING and self.next_attempt_at <= at
