from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
)
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.urls import is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PreferredLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, plus: honour the browser's language on a first visit.

    English pages have no prefix (/calls/) and French pages live under /fr/. With an
    unprefixed default language Django always answers in English, so a visitor whose
    browser prefers French (Accept-Language) and who has not chosen a language yet (no
    language cookie, set by the switcher) is sent to the French page.
    """

    def process_request(self, request):
        super().process_request(request)
        if request.method not in ("GET", "HEAD") or self._chose_already(request):
            return None
        if translation.get_language_from_path(request.path_info):
            return None
        preferred = translation.get_language_from_request(request)
        target = f"/{preferred}{request.path_info}"
        if preferred != settings.LANGUAGE_CODE and self._exists_in(preferred, target, request):
            redirect = HttpResponseRedirect(f"/{preferred}{request.get_full_path()}")
            patch_vary_headers(redirect, ("Accept-Language", "Cookie"))
            return redirect
        return None

    @staticmethod
    def _exists_in(language: str, path: str, request) -> bool:
        # Language-prefixed URLs only resolve while their language is active.
        with translation.override(language):
            return bool(is_valid_path(path, getattr(request, "urlconf", None)))

    @staticmethod
    def _chose_already(request) -> bool:
        return settings.LANGUAGE_COOKIE_NAME in request.COOKIES


class NullCharacterMiddleware:
    """Refuse a NUL character in what a request names, before anything reads it.

    PostgreSQL cannot hold NUL in text: a lookup with one fails instead of finding
    nothing, so every address, query parameter or cookie that reaches a query would
    answer 500. An address with one names nothing (404); a query parameter with one is
    malformed (400); a cookie with one (a session id) is left out, as if not sent.
    Forms and the API's fields refuse NUL in what is posted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            raise Http404("No such page.")
        if names := [name for name, value in _query_parts(request) if "\x00" in name + value]:
            return _bad_query(request, names)
        for name in [name for name, value in request.COOKIES.items() if "\x00" in name + value]:
            del request.COOKIES[name]
        return self.get_response(request)


def _query_parts(request):
    for name, values in request.GET.lists():
        for value in values:
            yield name, value


def _bad_query(request, names: list[str]) -> HttpResponse:
    """400, naming the parameters (under /api/, as the API's errors: JSON per parameter)."""
    message = str(ProhibitNullCharactersValidator.message)
    if request.path_info.startswith("/api/"):
        return JsonResponse({name: [message] for name in names}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


# Pages that show a secret from their address (alert links, password reset links).
SECRET_PAGES = {"alerts_confirm", "alerts_manage", "alerts_unsubscribe", "password_reset_confirm"}


class PublicPageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware, for HTML pages without secrets only (static files come
    compressed from WhiteNoise; the API, feeds and calendars are left as they are).

    BREACH recovers a secret from the size of compressed pages that also reflect the
    attacker's input (a search). Public pages hold no secret but the CSRF token of their
    forms, which Django masks afresh in every response against this very attack. Pages
    of a signed-in user (their session's data) and pages that show a token from their
    address are sent uncompressed.
    """

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if (
            not response.get("Content-Type", "").startswith("text/html")
            or (user is not None and user.is_authenticated)
            or (match is not None and match.url_name in SECRET_PAGES)
        ):
            return response
        return super().process_response(request, response)
