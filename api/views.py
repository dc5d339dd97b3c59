"""The API's resources under /api/v1/: read by anyone, calls written by their NCPs.

Every list runs a fixed number of queries whatever its length (select_related and
prefetch_related below; tests/api/test_queries.py holds them to it) and is paginated by
a cursor (api/pagination.py). Calls are read and written for every answer by
api/call_representation.py (one query a page, a call or a batch of the CSV); the list
of calls compiles its page query once per question and keeps it (api/call_pages.py).
Every JSON read carries an ETag and Last-Modified (api/conditional.py).
"""

from django.db import router
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api import schema
from api.call_pages import KEPT, PageQuery, question
from api.call_representation import (
    Representation,
    represented,
    represented_in_batches,
    with_representation,
)
from api.conditional import conditional_response
from api.filters import (
    NO_NUL,
    ApiCallFilter,
    FilterBackend,
    InitiativeFilter,
    NewsFilter,
    cursor_ordering,
)
from api.pagination import CallPage
from api.renderers import CallCSVRenderer, csv_lines
from api.serializers import (
    CallSerializer,
    ContactPointSerializer,
    CountrySerializer,
    FundSerializer,
    InitiativeSerializer,
    NewsItemSerializer,
    ProgrammeSerializer,
    RegionSerializer,
)
from api.writes import (
    CallChangeSerializer,
    CallWriteSerializer,
    call_create_from,
    call_update_from,
)
from calls.models import Call
from calls.permissions import CallWritePermission, require
from programmes.models import ContactPoint, Fund, Programme
from projects.models import Country, Initiative, NewsItem, Region


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    """A resource's list and detail, with validators; ordered by `cursor_ordering`."""

    cursor_ordering: tuple[str, ...] = ("pk",)
    filter_backends = [FilterBackend]
    lookup_value_regex = "[^/]+"  # fund codes have spaces; any key reaches the view (404)

    def get_cursor_ordering(self) -> tuple[str, ...]:
        return self.cursor_ordering

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # A JSON (or one-call CSV) read; not a streamed CSV list, whose body is not known yet.
        readable = isinstance(response, Response) and response.status_code == status.HTTP_200_OK
        if request.method in ("GET", "HEAD") and readable:
            response.render()
            return conditional_response(request, response)
        return response


@extend_schema_view(
    list=schema.list_schema(FundSerializer, summary="Funds", description="Ordered by code."),
    retrieve=schema.detail_schema(FundSerializer, summary="A fund, by its code", thing="fund"),
)
class FundViewSet(ReadViewSet):
    queryset = Fund.objects.select_related("managing_dg")
    serializer_class = FundSerializer
    lookup_field = "code"
    cursor_ordering = ("code",)


@extend_schema_view(
    list=schema.list_schema(
        ProgrammeSerializer, summary="Programmes", description="Ordered by slug."
    ),
    retrieve=schema.detail_schema(
        ProgrammeSerializer, summary="A programme, by its slug", thing="programme"
    ),
)
class ProgrammeViewSet(ReadViewSet):
    queryset = Programme.objects.select_related("fund").prefetch_related(
        "themes", "eligible_participants", "objectives", "actions", "contact_points"
    )
    serializer_class = ProgrammeSerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)


_CALLS_DESCRIPTION = """The filters of the /calls/ page, plus `updated_since` and `ordering`.
Unlike the page, every status is listed unless `status` is given. With `format=csv` (or
`Accept: text/csv`), every matching call as one CSV file, without pages."""


# What the page's filter labels ("Fund", "Theme") say, for partners.
_CALL_FILTER_DESCRIPTIONS = [
    OpenApiParameter(
        "q",
        {"type": "string", "minLength": 1, "pattern": NO_NUL},
        description="Words or an identifier code (ranked search).",
    ),
    OpenApiParameter(
        "closes_after", OpenApiTypes.DATE, description="A deadline on or after this day."
    ),
    OpenApiParameter(
        "closes_before", OpenApiTypes.DATE, description="A deadline on or before this day."
    ),
]


@extend_schema_view(
    list=schema.list_schema(
        CallSerializer,
        summary="Calls for proposals",
        description=_CALLS_DESCRIPTION,
        csv=True,
        parameters=[
            OpenApiParameter("format", str, enum=["json", "csv"], description="json (default)"),
            *_CALL_FILTER_DESCRIPTIONS,
        ],
    ),
    retrieve=schema.detail_schema(
        CallSerializer, summary="A call, by its identifier code", thing="call", csv=True
    ),
    create=schema.write_schema(
        CallWriteSerializer,
        CallSerializer,
        summary="Create a call (NCP keys)",
        description="A draft unless `published_at` is given. For a programme of the key's "
        "national contact point.",
        created=True,
    ),
    partial_update=schema.write_schema(
        CallChangeSerializer,
        CallSerializer,
        summary="Change a call (NCP keys)",
        description="Send `version` from your last read; 409 if someone changed the call "
        "since. Only the fields sent change; `cancellation_reason` cancels the call.",
        created=False,
    ),
)
class CallViewSet(ReadViewSet):
    """Public calls for everyone; an NCP's key also sees its programmes' drafts."""

    serializer_class = CallSerializer
    filterset_class = ApiCallFilter
    lookup_field = "identifier"
    renderer_classes = [JSONRenderer, CallCSVRenderer]
    permission_classes = [CallWritePermission]
    pagination_class = CallPage

    asked_at = None  # the moment a list answers for (its filter set's and its calls')
    cursor_ordering = None  # a kept question's (api.call_pages), without a filter set

    def get_queryset(self):
        return self._visible_calls()

    def _visible_calls(self, at=None):
        calls = Call.objects.public(at=at)
        if self._with_key():
            calls = calls | Call.objects.editable_by(self.request.user)
        return calls

    def _with_key(self) -> bool:
        return self.request.auth is not None and self.request.user.is_authenticated

    def get_cursor_ordering(self) -> tuple[str, ...]:
        return self.cursor_ordering or self.filterset.cursor_ordering

    def get_serializer_class(self):
        if self.action == "partial_update":
            return CallChangeSerializer
        if self.action == "create":
            return CallWriteSerializer
        return CallSerializer

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == CallCSVRenderer.format:
            # Neither is used by the CSV, which holds every match; both are refused as on a page.
            self.paginator.get_page_size(request)
            self.paginator.decode_cursor(request)
            calls = self.filter_queryset(self.get_queryset())
            return self._csv(calls, at=self.filterset.at)
        self.asked_at = timezone.now()
        key = None if self._with_key() else question(request.query_params, router.db_for_read(Call))
        if key in KEPT:
            self.cursor_ordering = cursor_ordering(request.query_params.get("ordering"))
        else:
            self.filter_queryset(self._visible_calls(self.asked_at))  # 400 on invalid filters
        page = self.paginate_queryset(PageQuery(self._page_values, self.asked_at, key))
        response = self.get_paginated_response(list(map(Representation(self.asked_at), page)))
        filterset = getattr(self, "filterset", None)  # none for a kept question
        if filterset is not None and filterset.search_text:
            response.data["search"] = self._search(found=len(page))
        return response

    def _page_values(self, at):
        """The values of this list's calls at `at`, unordered and whole (the paginator
        orders and cuts), with what a page reads: one query."""
        calls = self._visible_calls(at)
        if at != self.asked_at:
            calls = self.filterset_class(
                self.request.query_params, calls, request=self.request, at=at
            ).qs
        else:
            calls = self.filterset.qs
        return with_representation(calls)

    def _search(self, *, found: int) -> dict:
        """What /calls/ says under the results of a search, from the same functions: the
        matches each status not asked for hides, and a better spelling when nothing
        matches at all. Three queries or so, with `q` only."""
        filters = self.filterset
        facets = filters.facets()
        suggestion = filters.suggestion(facets, found=found)
        return {
            "hidden": [
                {"status": status, "count": count, "url": self._this_search(status=status)}
                for status, count in filters.hidden_matches(facets)
            ],
            "suggestion": suggestion,
            "suggestion_url": self._this_search(q=suggestion) if suggestion else None,
        }

    def _this_search(self, **changes) -> str:
        """This list's URL from its first page, with `changes` to its parameters."""
        params = self.request.query_params.copy()
        params.pop(self.paginator.cursor_query_param, None)
        for name, value in changes.items():
            params[name] = value
        return self.request.build_absolute_uri(f"{self.request.path}?{params.urlencode()}")

    def _csv(self, calls, *, at) -> StreamingHttpResponse:
        """Every matching call: their ids in order, then the calls read and sent
        BATCH at a time (api.call_representation.represented_in_batches)."""
        ids = list(calls.order_by(*self.get_cursor_ordering()).values_list("pk", flat=True))
        rows = represented_in_batches(ids, at)
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="calls.csv"'
        return response

    def retrieve(self, request, *args, **kwargs):
        """One call, in one query. Reads are open to all (CallWritePermission)."""
        calls = with_representation(self.filter_queryset(self.get_queryset()))
        lookup = {self.lookup_field: kwargs[self.lookup_url_kwarg or self.lookup_field]}
        row = get_object_or_404(calls, **lookup)
        return Response(Representation(timezone.now())(row))

    def create(self, request, *args, **kwargs):
        data = self._valid_data(request)
        self._check_programme(data.get("programme"))
        call = call_create_from(data, user=request.user)
        return self._written(call, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        call = self.get_object()
        data = self._valid_data(request, partial=True)
        self._check_programme(data.get("programme"))
        call = call_update_from(call, data, user=request.user)
        return self._written(call, status.HTTP_200_OK)

    def _valid_data(self, request, *, partial: bool = False) -> dict:
        serializer_class = CallChangeSerializer if partial else CallWriteSerializer
        serializer = serializer_class(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _check_programme(self, programme) -> None:
        if programme is not None:
            message = "Your key may not write calls of this programme."
            require(self.request.user, "calls.add_call_to_programme", programme, message)

    def _written(self, call: Call, code: int) -> Response:
        # As it is now, after the write (a cancellation counts from the moment it is made).
        [written] = represented(Call.objects.filter(pk=call.pk), timezone.now())
        return Response(written, code)

    def perform_content_negotiation(self, request, force=False):
        if request.method not in ("GET", "HEAD"):
            return (JSONRenderer(), JSONRenderer.media_type)  # CSV is for reading calls
        return super().perform_content_negotiation(request, force)

    def handle_exception(self, exc):
        # Errors are JSON, whatever format was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)


@extend_schema_view(
    list=schema.list_schema(
        InitiativeSerializer, summary="Initiatives", description="Ordered by slug."
    ),
    retrieve=schema.detail_schema(
        InitiativeSerializer, summary="An initiative, by its slug", thing="initiative"
    ),
)
class InitiativeViewSet(ReadViewSet):
    queryset = Initiative.objects.select_related("implementer", "managing_dg").prefetch_related(
        "themes", "countries", "funding_sources", "priorities", "partner_actions"
    )
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilter
    lookup_field = "slug"
    cursor_ordering = ("slug",)


@extend_schema_view(
    list=schema.list_schema(CountrySerializer, summary="Countries", description="By ISO code."),
    retrieve=schema.detail_schema(
        CountrySerializer, summary="A country, by its ISO code (e.g. TR)", thing="country"
    ),
)
class CountryViewSet(ReadViewSet):
    queryset = Country.objects.select_related("region")
    serializer_class = CountrySerializer
    lookup_field = "code"
    cursor_ordering = ("code",)


@extend_schema_view(
    list=schema.list_schema(RegionSerializer, summary="Regions", description="Ordered by slug."),
    retrieve=schema.detail_schema(
        RegionSerializer, summary="A region, by its slug", thing="region"
    ),
)
class RegionViewSet(ReadViewSet):
    queryset = Region.objects.prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("code"))
    )
    serializer_class = RegionSerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)


@extend_schema_view(
    list=schema.list_schema(NewsItemSerializer, summary="News", description="Ordered by slug."),
    retrieve=schema.detail_schema(
        NewsItemSerializer, summary="A news item, by its slug", thing="news item"
    ),
)
class NewsViewSet(ReadViewSet):
    queryset = NewsItem.objects.for_listing()
    serializer_class = NewsItemSerializer
    filterset_class = NewsFilter
    lookup_field = "slug"
    cursor_ordering = ("slug",)


@extend_schema_view(
    list=schema.list_schema(
        ContactPointSerializer, summary="Contact points", description="Ordered by slug."
    ),
    retrieve=schema.detail_schema(
        ContactPointSerializer, summary="A contact point, by its slug", thing="contact point"
    ),
)
class ContactPointViewSet(ReadViewSet):
    queryset = ContactPoint.objects.select_related("organisation").prefetch_related(
        "persons", "programmes"
    )
    serializer_class = ContactPointSerializer
    lookup_field = "slug"
    cursor_ordering = ("slug",)
