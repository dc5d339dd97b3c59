from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from calls.models import Call
from foundation.site import site_domain, site_scheme
from programmes.models import Programme
from projects.models import Country, Initiative


class _Localised(Sitemap):
    """Every page once per language, with hreflang alternates, on SITE_URL."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None) -> str:
        return site_scheme()

    def get_domain(self, site=None) -> str:
        return site_domain()


class PageSitemap(_Localised):
    changefreq = "daily"

    def items(self):
        return [
            "home",
            "call_list",
            "programme_list",
            "initiative_list",
            "country_list",
            "region_list",
            "news_list",
        ]

    def location(self, name):
        return reverse(name)


class CallSitemap(_Localised):
    changefreq = "daily"

    def items(self):
        return Call.objects.public().order_by("identifier")

    def lastmod(self, call):
        return call.updated_at


class ProgrammeSitemap(_Localised):
    def items(self):
        return Programme.objects.order_by("slug")


class InitiativeSitemap(_Localised):
    def items(self):
        return Initiative.objects.order_by("slug")


class CountrySitemap(_Localised):
    def items(self):
        return Country.objects.order_by("code")


SITEMAPS = {
    "pages": PageSitemap,
    "calls": CallSitemap,
    "programmes": ProgrammeSitemap,
    "initiatives": InitiativeSitemap,
    "countries": CountrySitemap,
}
