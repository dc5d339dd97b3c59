from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import ContactPoint
from projects.iati.export import (
    IatiNotConfigured,
    NothingToExport,
    activities_document,
    activity_problems,
    initiatives_to_export,
)
from projects.models import Country, Initiative, NewsItem, Region, SupportFigure
from projects.worldmap import world_map_svg

NEWS_PER_PAGE = 20
TEXT = "text/plain; charset=utf-8"


def _figures():
    return SupportFigure.objects.select_related(
        "instrument", "region", "initiative"
    ).prefetch_related("countries")


def initiative_list(request):
    initiatives = Initiative.objects.select_related("implementer", "managing_dg").prefetch_related(
        "themes", "countries", "funding_sources"
    )
    context = {"initiatives": initiatives, "today": timezone.localdate()}
    return render(request, "projects/initiative_list.html", context)


def initiative_detail(request, slug: str):
    initiative = get_object_or_404(
        Initiative.objects.select_related("implementer", "managing_dg").prefetch_related(
            "themes",
            "countries",
            "funding_sources__programmes",
            "priorities",
            "partner_actions",
            Prefetch("news", queryset=NewsItem.objects.for_listing()),
            Prefetch("support_figures", queryset=_figures()),
        ),
        slug=slug,
    )
    context = {"initiative": initiative, "today": timezone.localdate()}
    return render(request, "projects/initiative_detail.html", context)


def country_list(request):
    countries = list(Country.objects.with_initiative_counts().select_related("region"))
    countries.sort(key=lambda country: country.name)
    world_map = world_map_svg(
        {c.code.code: c.initiative_count for c in countries},
        {c.code.code: c.get_absolute_url() for c in countries},
        title=_("Where we work"),
        description=_(
            "Map of the countries the portal has information about, shaded by the number of "
            "initiatives in each. The table below gives the same information."
        ),
    )
    context = {"countries": countries, "world_map": world_map}
    return render(request, "projects/country_list.html", context)


def country_detail(request, code: str):
    if code != code.upper():
        raise Http404
    country = get_object_or_404(Country.objects.select_related("region"), code=code)
    initiatives = (
        country.initiatives.select_related("implementer")
        .prefetch_related("funding_sources")
        .order_by("-ends_on", "title")
    )
    figures = _figures().filter(Q(countries=country) | Q(region=country.region, countries=None))
    contact_points = ContactPoint.objects.filter(country=code).prefetch_related(
        "persons", "programmes"
    )
    context = {
        "country": country,
        "initiatives": initiatives,
        "figures": figures.distinct(),
        "contact_points": contact_points,
        "news": country.news.for_listing(),
        "today": timezone.localdate(),
    }
    return render(request, "projects/country_detail.html", context)


def region_list(request):
    regions = Region.objects.prefetch_related(
        Prefetch("countries", queryset=Country.objects.order_by("code")),
        Prefetch("support_figures", queryset=_figures()),
    )
    return render(request, "projects/region_list.html", {"regions": regions})


def news_detail(request, slug: str):
    """One news item on a page of its own (the list is paged, so an anchor may miss it)."""
    news = NewsItem.objects.for_listing()
    return render(
        request, "projects/news_detail.html", {"item": get_object_or_404(news, slug=slug)}
    )


def news_list(request):
    news = NewsItem.objects.for_listing()
    page = Paginator(news, NEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "projects/news_list.html", {"page": page})


def iati_activities(request):
    """Every initiative as an IATI 2.03 activity; those that cannot be are left out and
    named in comments (and in the single-activity address's report)."""
    return _iati_response(initiatives_to_export())


def iati_activity(request, slug: str):
    initiative = get_object_or_404(initiatives_to_export(), slug=slug)
    problems = activity_problems(initiative)
    if problems:
        report = _("This initiative cannot be exported as a valid IATI activity:")
        lines = [report, *(f"- {problem}" for problem in problems)]
        return HttpResponse("\n".join(lines) + "\n", status=422, content_type=TEXT)
    return _iati_response([initiative])


def _iati_response(initiatives) -> HttpResponse:
    try:
        document, _left_out = activities_document(initiatives)
    except IatiNotConfigured as error:
        message = _("The IATI export is not configured: %(error)s") % {"error": error}
        return HttpResponse(message + "\n", status=503, content_type=TEXT)
    except NothingToExport as error:
        message = _("No initiative can be exported as a valid IATI activity.")
        return HttpResponse(f"{message}\n{error}\n", status=422, content_type=TEXT)
    return HttpResponse(document, content_type="application/xml; charset=utf-8")
