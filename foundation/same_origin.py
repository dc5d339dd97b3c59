"""CSRF protection for the forms of pages that a shared cache keeps.

A cached page cannot carry a CSRF token: the token is tied to a cookie set for one
visitor. Django 6.1's CsrfViewMiddleware checks the Origin header when a browser sends
it, but still insists on the CSRF cookie, so a form on a cached page needs this instead.
Every browser in use sends `Origin` with a form post, and `Sec-Fetch-Site` since
2020-2023; a page cannot forge either (they are forbidden request headers). A post whose
headers say it came from another site is refused; one whose headers say it came from
this site is taken without a token; one with neither (an old browser, a privacy tool)
falls back to Django's token check, which the form's own page (rendered privately, with
a token) passes. docs/architecture.md, "HTTP cache", gives the reasoning.
"""

from functools import wraps

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.views.csrf import csrf_failure
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def posted_from_this_site(request) -> bool | None:
    """True when the browser says the request comes from a page of this site, False when
    from another, None when it says nothing (no Origin, or "null", and no Sec-Fetch-Site)."""
    origin = request.headers.get("Origin", "null")
    if origin != "null":
        scheme = "https" if request.is_secure() else "http"
        return origin == f"{scheme}://{request.get_host()}" or origin in _trusted_origins()
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    return None


def _trusted_origins() -> set[str]:
    return {origin for origin in settings.CSRF_TRUSTED_ORIGINS if "*" not in origin}


def csrf_by_origin(view):
    """Protect `view` against cross-site posts by the browser's Origin and Sec-Fetch-Site
    headers, with Django's token check only when a browser sends neither."""

    @csrf_exempt
    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            verdict = posted_from_this_site(request)
            if verdict is False:
                return csrf_failure(request, reason="The form was posted from another site.")
            if verdict is None:
                middleware = CsrfViewMiddleware(lambda request: None)
                if refusal := middleware.process_view(request, view, args, kwargs):
                    return refusal
        return view(request, *args, **kwargs)

    return checked
