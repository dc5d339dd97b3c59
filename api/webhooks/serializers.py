"""What the API shows of webhook endpoints and deliveries, and accepts for an endpoint."""

from rest_framework import serializers

from api.fields import STRICT_FIELDS, StrictBooleanField
from api.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint


class WebhookEndpointSerializer(serializers.ModelSerializer):
    serializer_field_mapping = STRICT_FIELDS
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        min_length=1,  # the schema says so (minItems), where allow_empty=False did not
        help_text="The event types to receive.",
    )
    enabled = StrictBooleanField(
        required=False,
        help_text="False once disabled (by its owner, or after a day of failed deliveries); "
        "send true to enable it again.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "events",
            "description",
            "owner_email",
            "enabled",
            "created_at",
            "failing_since",
            "disabled_at",
            "disabled_reason",
        ]
        read_only_fields = ["created_at", "failing_since", "disabled_at", "disabled_reason"]

    def to_representation(self, endpoint: WebhookEndpoint) -> dict:
        return super().to_representation(endpoint) | {"enabled": endpoint.is_enabled}


class NewWebhookEndpointSerializer(WebhookEndpointSerializer):
    """The answer to a registration: the endpoint with its signing secret, shown once."""

    secret = serializers.CharField(
        read_only=True, help_text="The signing secret (whsec_...): shown this once only."
    )

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(source="event.message_id", help_text="The webhook-id.")
    event_type = serializers.CharField(source="event.type")
    call = serializers.CharField(source="event.call.identifier")
    endpoint = serializers.IntegerField(source="endpoint_id")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "call",
            "endpoint",
            "state",
            "attempts",
            "created_at",
            "last_attempt_at",
            "last_status",
            "last_error",
            "next_attempt_at",
            "delivered_at",
        ]
        read_only_fields = fields
