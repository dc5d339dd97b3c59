"""The OpenAPI description shared by every operation: errors, 304, 429 and headers.

drf-spectacular reads serializers, filters and pagination by itself; this adds
what it cannot see: the answers DRF gives before a view runs (401, 429), the
conditional-request headers, and the bodies of errors.
"""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from api.fields import StrictDecimalField

JSON = "application/json"

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
    "example": {"detail": "Not found."},
}
FIELD_ERRORS = {
    "type": "object",
    "description": "The errors of each field or query parameter; `non_field_errors` for the "
    "others.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"closes_at": ["Enter a valid date."]},
}
_NULLABLE_TEXT = {"type": "string", "nullable": True}
CONFLICT = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "version": {"type": "integer", "description": "The call's current version."},
        "changed_by": _NULLABLE_TEXT,
        "changed_at": {"type": "string", "format": "date-time", "nullable": True},
        "changes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "label": {"type": "string"},
                    "old": _NULLABLE_TEXT,
                    "new": _NULLABLE_TEXT,
                },
                "required": ["field", "label", "old", "new"],
            },
        },
    },
    "required": ["detail", "version", "changed_by", "changed_at", "changes"],
}

_VALIDATORS = [200, 304]
CONDITIONAL_PARAMETERS = [
    OpenApiParameter(
        "If-None-Match",
        str,
        OpenApiParameter.HEADER,
        description="The ETag of the copy you have: 304 if it is still current.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        str,
        OpenApiParameter.HEADER,
        description="The Last-Modified of the copy you have (HTTP date): 304 if unchanged. "
        "Ignored when If-None-Match is sent.",
    ),
    OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=_VALIDATORS,
        description="A hash of the body.",
    ),
    OpenApiParameter(
        "Last-Modified",
        str,
        OpenApiParameter.HEADER,
        response=_VALIDATORS,
        description="When the portal first sent this body (HTTP date).",
    ),
]
THROTTLE_HEADER = OpenApiParameter(
    "Retry-After",
    OpenApiTypes.INT,
    OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before the next request.",
)

NOT_MODIFIED = OpenApiResponse(description="Not modified: the copy you have is current.")
BAD_KEY = OpenApiResponse(
    ERROR, "A key that is unknown, revoked or malformed; or no key for a write."
)
THROTTLED = OpenApiResponse(ERROR, "Too many requests: wait Retry-After seconds.")


# Reads need no key (a key raises the rate limit); writes need one.
READ_AUTH = [{"ApiKey": []}, {}]
WRITE_AUTH = [{"ApiKey": []}]


def errors(**described: str) -> dict:
    """Error answers by status code, e.g. errors(e404="Unknown call.")."""
    codes = {int(name[1:]): text for name, text in described.items()}
    return {
        (code, JSON): OpenApiResponse(FIELD_ERRORS if code == 400 else ERROR, text)
        for code, text in codes.items()
    }


UNAVAILABLE = OpenApiResponse(
    ERROR, "The database cannot be reached (an outage): try again after Retry-After seconds."
)


def _common() -> dict:
    return {(401, JSON): BAD_KEY, (429, JSON): THROTTLED, (503, JSON): UNAVAILABLE}


def list_schema(serializer, *, summary: str, description: str = "", csv: bool = False, **extra):
    """A list: 200 (a page), 304, 400 (a filter or page_size), 404 (a bad cursor)."""
    ok = {(200, JSON): serializer(many=True)}
    if csv:
        ok[(200, "text/csv")] = OpenApiResponse(OpenApiTypes.STR, "Every matching call, as CSV.")
    return extend_schema(
        summary=summary,
        description=description,
        auth=READ_AUTH,
        parameters=[*CONDITIONAL_PARAMETERS, THROTTLE_HEADER, *extra.pop("parameters", [])],
        responses=ok
        | {(304, JSON): NOT_MODIFIED}
        | errors(e400="An invalid filter or page_size.", e404="An invalid cursor.")
        | _common(),
        **extra,
    )


def detail_schema(serializer, *, summary: str, thing: str, csv: bool = False):
    ok = {(200, JSON): serializer}
    if csv:
        ok[(200, "text/csv")] = OpenApiResponse(OpenApiTypes.STR, "The call as CSV.")
    return extend_schema(
        summary=summary,
        auth=READ_AUTH,
        parameters=[*CONDITIONAL_PARAMETERS, THROTTLE_HEADER],
        responses=ok
        | {(304, JSON): NOT_MODIFIED}
        | errors(e400="A query parameter holds a NUL character.", e404=f"No such {thing}.")
        | _common(),
    )


def write_schema(request, response, *, summary: str, description: str, created: bool):
    status = 201 if created else 200
    refused = {
        "e400": "Invalid data: the errors per field.",
        "e403": "This key may not write this call (read-only key, another programme).",
        "e415": "The body is not JSON (send Content-Type: application/json).",
    }
    if not created:
        refused["e404"] = "No such call."
    answers = errors(**refused)
    if not created:
        answers[(409, JSON)] = OpenApiResponse(
            CONFLICT, "The call changed since `version`: what the other editor changed."
        )
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        auth=WRITE_AUTH,
        parameters=[THROTTLE_HEADER, OpenApiParameter("format", exclude=True)],
        responses={(status, JSON): response} | answers | _common(),
    )


def closed_write_bodies(result: dict, generator, request, public) -> dict:
    """A drf-spectacular postprocessing hook: a call's write body takes no field but those
    listed (`additionalProperties: false`), as the API answers 400 naming any other."""
    schemas = result.get("components", {}).get("schemas", {})
    for name in ("CallWriteRequest", "PatchedCallChangeRequest"):
        if name in schemas:
            schemas[name]["additionalProperties"] = False
    if "PatchedCallChangeRequest" in schemas:  # a PATCH sends the version it last read
        schemas["PatchedCallChangeRequest"]["required"] = ["version"]
    return result


class NonNegativeDecimal(OpenApiSerializerFieldExtension):
    """A decimal that may not be negative says so: no minus sign in its pattern (the
    pattern drf-spectacular writes for a decimal always allows one)."""

    target_class = StrictDecimalField

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        minimum = self.target.min_value
        if minimum is not None and minimum >= 0 and "pattern" in schema:
            schema["pattern"] = schema["pattern"].replace("^-?", "^", 1)
        return schema
