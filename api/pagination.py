"""Cursor pagination: `{"next": url, "previous": url, "results": [...]}`.

A cursor is a position in a fixed ordering, not a page number, so a page stays right
while rows are added or changed between requests (what a sync loop needs), and
reading page 1,000 costs what page 1 costs. Each view names its ordering
(`cursor_ordering`): its first field is the position, the others break ties.
"""

import binascii
from base64 import b64decode
from urllib import parse

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100


class CursorPage(CursorPagination):
    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = f"Results per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE})."
    cursor_query_description = "Where the page starts: the `next` or `previous` link holds it."
    template = None

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        return tuple(view.get_cursor_ordering())

    def get_page_size(self, request) -> int:
        """The `page_size` asked for; a value out of range is refused (400), not clamped."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdecimal() or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)

    def decode_cursor(self, request):
        """The cursor of the request; one that is not what `encode_cursor` writes (empty,
        not strict base64, or decoding to no position) is 404, as documented, where DRF
        reads text that decodes to nothing as the first page."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            querystring = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
        except (UnicodeError, binascii.Error):
            raise exceptions.NotFound(self.invalid_cursor_message) from None
        tokens = parse.parse_qs(querystring, keep_blank_values=True)
        if not tokens or set(tokens) - {"o", "r", "p"}:
            raise exceptions.NotFound(self.invalid_cursor_message)
        return super().decode_cursor(request)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError, OverflowError):
            if self.cursor_query_param not in request.query_params:
                raise
            # A hand-made cursor whose position is not a value of the ordering field.
            raise exceptions.NotFound(self.invalid_cursor_message) from None

    def get_schema_operation_parameters(self, view) -> list[dict]:
        """DRF's parameters, with the range of `page_size` and the cursor stated as what
        `encode_cursor` writes (base64)."""
        cursor, page_size = super().get_schema_operation_parameters(view)
        cursor["schema"] |= {"pattern": "^[A-Za-z0-9+/=]+$"}
        page_size["schema"] |= {"minimum": 1, "maximum": self.max_page_size}
        return [cursor, page_size]


# What a search (`q`) adds to a page of calls: what /calls/ says under its results.
SEARCH_SCHEMA = {
    "type": "object",
    "description": "With `q` only: the matches the `status` filter hides, and a better "
    "spelling when nothing matches at all (as the /calls/ page says them).",
    "properties": {
        "hidden": {
            "type": "array",
            "description": "Per status not asked for, the calls that match everything else.",
            "items": {
                "type": "object",
                "properties": {
                    "status": {
                        "type": "string",
                        "enum": ["forthcoming", "open", "closed", "cancelled"],
                    },
                    "count": {"type": "integer", "minimum": 1},
                    "url": {
                        "type": "string",
                        "format": "uri",
                        "description": "This search with that status.",
                    },
                },
                "required": ["status", "count", "url"],
            },
        },
        "suggestion": {"type": "string", "description": "e.g. trafficking; empty if none."},
        "suggestion_url": {
            "type": "string",
            "format": "uri",
            "nullable": True,
            "description": "This search with the suggestion as `q`.",
        },
    },
    "required": ["hidden", "suggestion", "suggestion_url"],
}


class CallPage(CursorPage):
    """A page of calls, with `search` when `q` was given (api.views.CallViewSet.list)."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["search"] = SEARCH_SCHEMA
        return answer
