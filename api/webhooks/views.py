"""/api/v1/webhooks/: a partner's endpoints and their deliveries, for the key's holder.

Any active key may register endpoints (receiving events is reading); each key sees and
changes only its own endpoints and their deliveries, so the querysets start from it.
Reads carry validators like every other resource (api.views.ReadViewSet).
"""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import schema
from api.views import ReadViewSet
from api.webhooks.models import WebhookDelivery, WebhookEndpoint
from api.webhooks.serializers import (
    NewWebhookEndpointSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
)
from api.webhooks.services import delivery_redeliver, endpoint_save
from calls.permissions import HoldsApiKey

# How far back a partner's list of deliveries goes.
RECENT_DAYS = 30
KEY_ONLY = [{"ApiKey": []}]


def _write(request, response, *, summary: str, description: str = "", code: int = 200):
    answers = schema.errors(
        e400="Invalid data: the errors per field (an unsafe URL, an unknown event type).",
        e403="Not allowed.",
        e404="No such endpoint or delivery of your key.",
        e415="The body is not JSON (send Content-Type: application/json).",
    )
    ok = {(code, schema.JSON): response} if response else {code: OpenApiResponse(None, "Done.")}
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        auth=KEY_ONLY,
        parameters=[schema.THROTTLE_HEADER],
        responses=ok
        | answers
        | {(401, schema.JSON): schema.BAD_KEY, (429, schema.JSON): schema.THROTTLED}
        | {(503, schema.JSON): schema.UNAVAILABLE},
    )


@extend_schema_view(
    list=schema.list_schema(
        WebhookEndpointSerializer, summary="Your webhook endpoints (a key is needed)"
    ),
    retrieve=schema.detail_schema(
        WebhookEndpointSerializer, summary="A webhook endpoint", thing="endpoint of your key"
    ),
    create=_write(
        WebhookEndpointSerializer,
        NewWebhookEndpointSerializer,
        summary="Register a webhook endpoint",
        description="The answer carries the signing secret, shown this once only.",
        code=201,
    ),
    partial_update=_write(
        WebhookEndpointSerializer,
        WebhookEndpointSerializer,
        summary="Change a webhook endpoint, or enable or disable it",
    ),
    destroy=_write(None, None, summary="Delete a webhook endpoint", code=204),
)
class WebhookEndpointViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ReadViewSet
):
    serializer_class = WebhookEndpointSerializer
    permission_classes = [HoldsApiKey]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return WebhookEndpoint.objects.filter(api_key=self.request.auth)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        enabled = serializer.validated_data.pop("enabled", None)
        endpoint = WebhookEndpoint(api_key=request.auth, **serializer.validated_data)
        endpoint = endpoint_save(endpoint, enabled=enabled)
        data = NewWebhookEndpointSerializer(endpoint).data
        return Response(data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        enabled = serializer.validated_data.pop("enabled", None)
        endpoint = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(endpoint, name, value)
        serializer.instance = endpoint_save(endpoint, enabled=enabled)


@extend_schema_view(
    list=schema.list_schema(
        WebhookDeliverySerializer,
        summary="Recent deliveries to your endpoints",
        description=f"The last {RECENT_DAYS} days, newest first. A key is needed.",
        parameters=[
            OpenApiParameter("endpoint", OpenApiTypes.INT, description="One endpoint's id.")
        ],
    ),
    retrieve=schema.detail_schema(
        WebhookDeliverySerializer, summary="A delivery", thing="delivery of your key"
    ),
)
class WebhookDeliveryViewSet(ReadViewSet):
    serializer_class = WebhookDeliverySerializer
    permission_classes = [HoldsApiKey]
    cursor_ordering = ("-created_at", "-pk")

    def get_queryset(self):
        since = timezone.now() - timedelta(days=RECENT_DAYS)
        deliveries = WebhookDelivery.objects.filter(
            endpoint__api_key=self.request.auth, created_at__gte=since
        ).select_related("event__call")
        endpoint = self.request.query_params.get("endpoint", "")
        if endpoint.isdecimal():
            deliveries = deliveries.filter(endpoint_id=int(endpoint))
        return deliveries

    @_write(
        None,
        WebhookDeliverySerializer,
        summary="Ask for a redelivery",
        description="The same event, with the same id, is sent again now, with a new day "
        "of retries; 400 if the endpoint is disabled.",
        code=202,
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        delivery = delivery_redeliver(self.get_object())
        delivery = self.get_queryset().get(pk=delivery.pk)
        return Response(self.get_serializer(delivery).data, status=status.HTTP_202_ACCEPTED)
