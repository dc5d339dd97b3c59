"""Changes to webhook endpoints and deliveries, for the API and the admin alike."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from api.webhooks.safety import UnsafeUrl, resolve_target
from api.webhooks.tasks import queue_deliveries


def endpoint_check(endpoint: WebhookEndpoint) -> None:
    """ValidationError naming the field unless the endpoint can be delivered to: a safe
    URL (safety.py; resolves its host) and known event types."""
    errors = {}
    try:
        resolve_target(endpoint.url)
    except UnsafeUrl as error:
        errors["url"] = str(error)
    unknown = sorted(set(endpoint.events) - set(EventType.values))
    if not endpoint.events:
        errors["events"] = _("Choose at least one event.")
    elif unknown:
        errors["events"] = _("Unknown event types: %s.") % ", ".join(unknown)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def endpoint_save(endpoint: WebhookEndpoint, *, enabled: bool | None = None) -> WebhookEndpoint:
    """Save a new or changed endpoint after `endpoint_check`; `enabled` turns it on or off
    (turning it on forgets its failures). Turning it off needs no check: a partner must be
    able to stop deliveries to a host that no longer resolves."""
    if enabled is not False:
        endpoint_check(endpoint)
    if enabled is True and endpoint.disabled_at is not None:
        endpoint.disabled_at, endpoint.disabled_reason, endpoint.failing_since = None, "", None
    elif enabled is False and endpoint.disabled_at is None:
        endpoint.disabled_at = timezone.now()
        endpoint.disabled_reason = _("Disabled by its owner.")
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def delivery_redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the same event (same id) to the endpoint again, now, with a fresh day of
    retries; ValidationError if the endpoint is disabled."""
    delivery = (
        WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
    )
    if not delivery.endpoint.is_enabled:
        raise ValidationError(_("The endpoint is disabled: enable it first."))
    now = timezone.now()
    delivery.state = WebhookDelivery.State.PENDING
    delivery.next_attempt_at, delivery.queued_at = now, None
    delivery.give_up_at = now + timedelta(hours=settings.WEBHOOKS_RETRY_HOURS)
    delivery.save()
    queue_deliveries([delivery.pk])
    return delivery
