from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.models import ContactPoint
from projects.models import Country, Initiative, NewsItem, Region, SupportFigure
from projects.worldmap import world_map_svg

NEWS_PER_PAGE = 20


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
