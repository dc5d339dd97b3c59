"""/api/v1/ (the resources), /api/schema/ (OpenAPI 3) and /api/docs/ (Swagger UI)."""

from django.http import JsonResponse
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import views
from api.docs import ApiDocsView
from api.extracts.views import ExtractViewSet, extract_download
from api.webhooks.views import WebhookDeliveryViewSet, WebhookEndpointViewSet

router = DefaultRouter()
router.include_format_suffixes = False  # ?format=csv instead of .csv suffixes
router.register("funds", views.FundViewSet, basename="fund")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("calls", views.CallViewSet, basename="call")
router.register("initiatives", views.InitiativeViewSet, basename="initiative")
router.register("countries", views.CountryViewSet, basename="country")
router.register("regions", views.RegionViewSet, basename="region")
router.register("news", views.NewsViewSet, basename="news")
router.register("contact-points", views.ContactPointViewSet, basename="contact-point")
router.register("webhooks/endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhooks/deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("extracts", ExtractViewSet, basename="extract")


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/ (a key with a dot or a slash, a typo): a JSON 404,
    as the API's own. Only addresses ending in a slash, so that Django still adds a
    missing final slash to the others (/api/v1/calls -> /api/v1/calls/)."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("v1/extracts/<str:file_name>", extract_download, name="extract_download"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", ApiDocsView.as_view(url_name="api_schema"), name="api_docs"),
    re_path(r"^.*/$", not_found),
]
