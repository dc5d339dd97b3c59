from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse, translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from calls.counts import status_counts_by_programme
from calls.models import Call, CallStatus
from foundation.site import absolute_url
from programmes.models import Fund
from projects.models import NewsItem

HOME_LIST_LENGTH = 5
# Under the home page's search box: an identifier code and words, both of which find
# calls in the demo data (tests/portal/test_home.py follows them).
SEARCH_EXAMPLES = ["AMIF-2024", "victims of trafficking"]


def home(request):
    now = timezone.now()
    calls = Call.objects.public(at=now).order_by_closing(at=now)
    context = {
        "open_calls": calls.open(at=now).listed_first(HOME_LIST_LENGTH),
        "forthcoming_calls": calls.forthcoming(at=now).listed_first(HOME_LIST_LENGTH),
        # Shown when nothing is open (latest closed first); not read otherwise.
        # (As order_by_closing would, on a column the index holds in that order.)
        "recently_closed": Call.objects.public(at=now)
        .closed(at=now)
        .order_by("-submission_ends_at", "identifier")
        .for_listing()[:3],
        "funds": _funds_in_numbers(now),
        "news": NewsItem.objects.exclude(published_on=None).for_listing()[:HOME_LIST_LENGTH],
        "now": now,
        "search_examples": SEARCH_EXAMPLES,
    }
    return render(request, "portal/home.html", context)


def _funds_in_numbers(now) -> list[Fund]:
    """The funds with their number of programmes, public calls and open calls, from the
    counts per programme (calls/counts.py, which reads no closed call). Three queries."""
    funds = list(Fund.objects.annotate(programme_count=Count("programmes")).order_by("code"))
    by_code = {fund.code: fund for fund in funds}
    for fund in funds:
        fund.call_count = fund.open_call_count = 0
    for row in status_counts_by_programme(at=now):
        fund = by_code[row["fund"]]
        fund.call_count += row["public"]
        fund.open_call_count += row[CallStatus.OPEN]
    return funds


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page names; the static address is
    looked up per request (the manifest of hashed names exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {absolute_url(reverse('sitemap'))}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


# The pages about the site itself, linked from the footer: template name and title.
ABOUT_PAGES = {
    "legal_notice": _("Legal notice"),
    "privacy": _("Privacy statement"),
    "accessibility": _("Accessibility statement"),
    "contact": _("Contact"),
}


def about_page(request, page: str):
    context = {
        "page_title": ABOUT_PAGES[page],
        "SITE_OPERATOR": settings.SITE_OPERATOR,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "confirm_days": settings.ALERTS_CONFIRM_DAYS,
        "programmes_url": reverse("programme_list"),
    }
    return render(request, f"portal/about/{page}.html", context)


@require_GET
def language_choose(request, language: str):
    """The language switcher: remember `language` (the language cookie, which stops the
    browser's preference from redirecting later visits) and go to page `next` in it.

    A link, not a form: a form needs a CSRF token, and a page holding one cannot be kept by
    a shared cache. Choosing a language changes nothing but how pages are shown, so a
    link to it from elsewhere does no harm (docs/architecture.md, "HTTP cache").
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    address = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        address, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        address = "/"
    response = redirect(_page_in(language, address))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _page_in(language: str, address: str) -> str:
    """`address` (a page of this site, in the language of its prefix) in `language`."""
    shown_in = translation.get_language_from_path(urlsplit(address).path)
    # Prefixed addresses resolve only while their own language is active.
    with translation.override(shown_in or settings.LANGUAGE_CODE):
        return translate_url(address, language)
