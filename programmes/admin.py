from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from foundation.history import ReadOnlyHistoryAdmin
from programmes.models import (
    ContactPerson,
    ContactPoint,
    Fund,
    FundableAction,
    Organisation,
    ParticipantType,
    Programme,
    SpecificObjective,
    Theme,
)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["acronym", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name"]


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "call_prefix", "managing_dg"]
    list_select_related = ["managing_dg"]
    search_fields = ["code", "name", "call_prefix"]
    autocomplete_fields = ["managing_dg"]


@admin.register(Theme, ParticipantType)
class NamedSlugAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


@admin.register(ContactPoint)
class ContactPointAdmin(ReadOnlyHistoryAdmin, admin.ModelAdmin):
    list_display = ["name", "level", "country", "organisation", "email", "phone"]
    list_filter = ["level", ("country", CountryFilter), "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "email", "organisation__acronym", "persons__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
    # The NCP users who edit the calls of this contact point's programmes (calls/permissions.py).
    filter_horizontal = ["members"]
    inlines = [ContactPersonInline]


class SpecificObjectiveInline(admin.TabularInline):
    model = SpecificObjective
    extra = 0


class FundableActionInline(admin.TabularInline):
    model = FundableAction
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyHistoryAdmin, admin.ModelAdmin):
    list_display = ["title", "fund", "period", "budget"]
    list_filter = ["fund", "themes"]
    list_select_related = ["fund"]
    search_fields = ["title", "slug", "summary", "fund__code"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["fund", "themes", "eligible_participants", "contact_points"]
    inlines = [SpecificObjectiveInline, FundableActionInline]

    @admin.display(description=_("period"), ordering="period_start")
    def period(self, obj: Programme) -> str:
        return obj.period
