"""/api/v1/extracts/: the bulk extracts, with date, size and SHA-256, and their files."""

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_view
from rest_framework import serializers

from api import schema
from api.extracts.models import Extract
from api.extracts.writer import extracts_root
from api.views import ReadViewSet
from foundation.site import absolute_url


class ExtractSerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="made_on")
    size = serializers.IntegerField(help_text="Bytes of the gzip file.")
    sha256 = serializers.CharField(help_text="SHA-256 of the gzip file, in hexadecimal.")
    url = serializers.SerializerMethodField(help_text="Where to download the file.")

    class Meta:
        model = Extract
        fields = ["file_name", "dataset", "format", "date", "records", "size", "sha256", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, extract: Extract) -> str:
        return absolute_url(reverse("extract_download", args=[extract.file_name]))


@extend_schema_view(
    list=schema.list_schema(
        ExtractSerializer,
        summary="Bulk extracts",
        description="Every public call and every initiative, written daily as JSON Lines "
        "and CSV (gzip); newest first. Older extracts are deleted after a few days.",
    ),
    retrieve=schema.detail_schema(
        ExtractSerializer, summary="A bulk extract, by its file name", thing="extract"
    ),
)
class ExtractViewSet(ReadViewSet):
    queryset = Extract.objects.all()
    serializer_class = ExtractSerializer
    lookup_field = "file_name"
    cursor_ordering = ("-made_on", "file_name")


def extract_download(request, file_name: str):
    """The gzip file of an extract, with its SHA-256 as ETag (304 if the client has it)."""
    extract = Extract.objects.filter(file_name=file_name).first()
    path = extracts_root() / file_name
    if extract is None or not path.is_file():
        raise Http404("No such extract.")
    etag, modified = quote_etag(extract.sha256), extract.created_at.timestamp()
    not_modified = get_conditional_response(request, etag=etag, last_modified=int(modified))
    if not_modified is not None:
        return not_modified
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=file_name, content_type="application/gzip"
    )
    response["ETag"], response["Last-Modified"] = etag, http_date(modified)
    patch_cache_control(response, no_cache=True)
    return response
