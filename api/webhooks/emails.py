"""The e-mail of webhooks: an endpoint disabled after a day of failures, to its owner.

Partners' technical contacts get it in English, the language of the API."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from api.webhooks.models import WebhookEndpoint
from foundation.site import absolute_url


def endpoint_disabled(endpoint: WebhookEndpoint) -> EmailMessage:
    with translation.override("en"):
        context = {
            "endpoint": endpoint,
            "endpoint_url": absolute_url(reverse("webhook-endpoint-detail", args=[endpoint.pk])),
        }
        subject = render_to_string("emails/webhook-disabled-subject.txt", context).strip()
        body = render_to_string("emails/webhook-disabled-body.txt", context)
    return EmailMessage(subject=subject, body=body, to=[endpoint.owner_email])
