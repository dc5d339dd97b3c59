"""What a shared cache (Varnish, a CDN) in front of the portal may keep, and how long.

An anonymous GET of a public page or an API read is the same for everyone who asks for
the same address in the same language: it answers `Cache-Control: public, max-age=N`,
N by the kind of page (settings `HTTP_CACHE_*_SECONDS`), and never sets a cookie.
Everything else is `private`: a request with a session cookie (a signed-in NCP or staff)
or an API key, an answer that sets a cookie, pages showing a token from their address,
form posts and their errors. A page is shared only if its URL name is listed below, so a
new view is private until someone decides otherwise.

The deploy side (Varnish's configuration, which strips cookies other than the language
for anonymous requests and passes requests with a session) is deploy/varnish/portal.vcl.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag

from foundation.freshness import freshness_limit
from portal.middleware import SECRET_PAGES

LIST_PAGES = {
    "home",
    "call_list",
    "parent_call_detail",
    "programme_list",
    "initiative_list",
    "country_list",
    "region_list",
    "news_list",
    "calls_feed",
    "news_feed",
    "sitemap",
}
ONE_THING_PAGES = {
    "call_detail",
    "programme_detail",
    "initiative_detail",
    "country_detail",
    "news_detail",
}
FIXED_PAGES = {"legal_notice", "privacy", "accessibility", "contact", "robots_txt", "api_schema"}
# The API's resources that anyone may read (routers name them <basename>-list/-detail).
API_RESOURCES = {
    "fund",
    "programme",
    "call",
    "initiative",
    "country",
    "region",
    "news",
    "contact-point",
}
SHARED_STATUSES = {200, 301, 404}


def shared_lifetime(request, response) -> int | None:
    """Seconds a shared cache may keep `response`; None when it must stay private."""
    match = getattr(request, "resolver_match", None)
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code not in SHARED_STATUSES
        or match is None
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
        or response.cookies
    ):
        return None
    lifetime = _lifetime_of(match.url_name)
    if lifetime is not None and response.status_code == 404:
        # A page that does not exist yet (a call published later) soon may.
        return min(lifetime, settings.HTTP_CACHE_LIST_SECONDS)
    return lifetime


def _lifetime_of(url_name: str | None) -> int | None:
    if url_name in LIST_PAGES:
        return settings.HTTP_CACHE_LIST_SECONDS
    if url_name in ONE_THING_PAGES:
        return settings.HTTP_CACHE_PAGE_SECONDS
    if url_name in FIXED_PAGES:
        return settings.HTTP_CACHE_FIXED_SECONDS
    basename, _, kind = (url_name or "").rpartition("-")
    if basename in API_RESOURCES and kind in ("list", "detail"):
        return settings.HTTP_CACHE_API_SECONDS
    return None


class SharedCacheMiddleware:
    """Sets `Cache-Control` on every answer: public with a lifetime and an ETag for what
    `shared_lifetime` allows, private otherwise. Placed above the session and CSRF
    middleware, so that it sees the cookies they set, and below GZip, which makes the
    ETag weak."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        lifetime = shared_lifetime(request, response)
        if lifetime is None:
            _keep_private(request, response)
            return response
        until = freshness_limit(request)
        if until is not None:
            lifetime = max(0, min(lifetime, int((until - timezone.now()).total_seconds())))
        # Replaces what the view said (the API's no-cache): this address is shared.
        response.headers.pop("Cache-Control", None)
        patch_cache_control(response, public=True, max_age=lifetime)
        return _with_validator(request, response)


def _with_validator(request, response):
    """A shared page with an ETag (a hash of its body; the API sets its own), so that a
    cache or a browser revalidates an expired copy: 304 when the body is unchanged."""
    if response.status_code != 200 or response.streaming:
        return response
    if not response.has_header("ETag"):
        set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


def _keep_private(request, response) -> None:
    """Private for any cache but the browser's; not stored at all when it is someone's
    own (signed in, a token in the address) or the answer to a form."""
    match = getattr(request, "resolver_match", None)
    own = (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or request.method not in ("GET", "HEAD")
        or (match is not None and match.url_name in SECRET_PAGES)
        or response.cookies
    )
    if own:
        response.headers.pop("Cache-Control", None)
        patch_cache_control(response, private=True, no_store=True)
    elif "public" not in response.get("Cache-Control", ""):
        # A view's own public lifetime (the deadlines calendar) is kept.
        patch_cache_control(response, private=True)
