from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Country,
    Initiative,
    InitiativePriority,
    NewsItem,
    PartnerAction,
    Region,
    SupportFigure,
)


class CountryInline(admin.TabularInline):
    model = Country
    fields = ["code"]
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "country_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CountryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(country_count=Count("countries"))

    @admin.display(description=_("countries"), ordering="country_count")
    def country_count(self, obj: Region) -> int:
        return obj.country_count


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["iso_code", "name", "region"]
    list_filter = ["region"]
    list_select_related = ["region"]
    # Country names are not stored, only ISO codes; filter_horizontal widgets search by name.
    search_fields = ["code"]

    @admin.display(description=_("code"), ordering="code")
    def iso_code(self, obj: Country) -> str:
        return obj.code.code

    @admin.display(description=_("name"))
    def name(self, obj: Country) -> str:
        return obj.name


class InitiativePriorityInline(admin.TabularInline):
    model = InitiativePriority
    extra = 0


class PartnerActionInline(admin.TabularInline):
    model = PartnerAction
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "acronym",
        "implementer",
        "starts_on",
        "ends_on",
        "budget",
        "is_global",
    ]
    list_filter = [
        ("implementer", admin.RelatedOnlyFieldListFilter),
        ("funding_sources", admin.RelatedOnlyFieldListFilter),
        "themes",
        "is_global",
    ]
    list_select_related = ["implementer"]
    search_fields = ["title", "acronym", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["implementer", "managing_dg", "themes", "funding_sources"]
    filter_horizontal = ["countries"]
    inlines = [InitiativePriorityInline, PartnerActionInline]


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "published_on", "initiative", "is_featured"]
    list_filter = ["is_featured", ("initiative", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["initiative"]
    search_fields = ["title", "body"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["initiative"]
    filter_horizontal = ["countries"]


@admin.register(SupportFigure)
class SupportFigureAdmin(admin.ModelAdmin):
    list_display = ["description", "region", "amount", "qualifier", "instrument", "period"]
    list_filter = ["region", ("instrument", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["region", "instrument"]
    search_fields = ["description", "slug", "period"]
    prepopulated_fields = {"slug": ["description"]}
    autocomplete_fields = ["initiative", "instrument"]
    filter_horizontal = ["countries"]
