"""Errors the services raise, as API answers: 400 per field, 409 on an edit conflict.

DRF turns its own exceptions into answers; this adds Django's `ValidationError`
(from `full_clean()` in calls/services.py), the database's deadline rule (known by
its name, calls/triggers.py) and
`EditConflict`, so that the API reports them as the NCP area does.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from calls.models import DEADLINE_BEFORE_OPENING
from calls.services import EditConflict
from calls.triggers import DEADLINE_AFTER_OPENING, violated_rule

# A deadline's own errors (Deadline.full_clean) are reported on the call's `deadlines`.
_DEADLINE_FIELDS = {"due_at", "label", "call"}


def exception_handler(exc, context):
    if isinstance(exc, EditConflict):
        return Response(conflict_body(exc), status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    elif isinstance(exc, IntegrityError) and violated_rule(exc) == DEADLINE_AFTER_OPENING:
        # Moving the opening after a deadline: refused by a trigger (calls/triggers.py).
        exc = exceptions.ValidationError({"deadlines": [str(DEADLINE_BEFORE_OPENING)]})
    elif isinstance(exc, exceptions.ParseError):
        # A body that is not JSON: a 400 of the same shape as any other.
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [exc.detail]})
    response = drf_exception_handler(exc, context)
    if isinstance(exc, exceptions.ValidationError) and response is not None:
        response.data = flat_errors(response.data)
    return response


def flat_errors(detail, path: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as `{"path": ["message"]}`: `deadlines.0.due_at` for a field
    of the first deadline, `non_field_errors` for errors of no field."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            # A list's own errors (too many items) are its field's: `deadlines`.
            own = path and key == api_settings.NON_FIELD_ERRORS_KEY
            flat |= flat_errors(value, path if own else f"{path}.{key}" if path else str(key))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat |= flat_errors(item, f"{path}.{index}")
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {path or api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in messages]}


def field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """`{"field": ["message", ...]}`; errors of no field under DRF's `non_field_errors`."""
    if not hasattr(error, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    errors: dict[str, list[str]] = {}
    for field, messages in error.message_dict.items():
        if field == NON_FIELD_ERRORS:
            field = api_settings.NON_FIELD_ERRORS_KEY
        elif field in _DEADLINE_FIELDS:
            field = "deadlines"
        errors.setdefault(field, []).extend(messages)
    return errors


def conflict_body(conflict: EditConflict) -> dict:
    """What the other editor changed since the version the client started from."""
    user = conflict.changed_by
    return {
        "detail": "The call was changed since the version you sent; nothing was saved. "
        "Read it again, re-apply your change and send the new version.",
        "version": conflict.call.version,
        "changed_by": user.get_username() if user else None,
        "changed_at": conflict.changed_at.isoformat() if conflict.changed_at else None,
        "changes": [
            {"field": c.field, "label": c.label, "old": _text(c.old), "new": _text(c.new)}
            for c in conflict.changes
        ],
    }


def _text(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
