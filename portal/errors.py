"""Error pages: JSON under /api/ (docs/api.md: "Errors are always JSON"), HTML elsewhere,
and 503 instead of 500 while the database cannot be reached.

Django calls these (`handler400` ... in portal/urls.py) for errors no view answered: an
exception in a view or middleware, a body over the upload limit (400), a database outage.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

# A database outage (no connection, connection lost) is temporary: 503, retry shortly.
OUTAGES = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to do this."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500, or 503 when the error being handled is a database outage (Django calls this
    while handling the exception, so `sys.exc_info()` names it)."""
    if isinstance(sys.exc_info()[1], OUTAGES):
        return _unavailable(request)
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)


def _unavailable(request):
    if _is_api(request):
        response = JsonResponse(
            {"detail": "The service is briefly unavailable; try again shortly."}, status=503
        )
    else:
        # Rendered without the request: its context processors would read the database.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")
