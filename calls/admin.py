from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.models import Call, CallObjective, CallStatus, Deadline


class StatusFilter(admin.SimpleListFilter):
    """Filters on the status rule of `CallQuerySet.with_status`, at the time of the request."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return CallStatus.choices

    def queryset(self, request, queryset):
        if self.value() in CallStatus.values:
            return queryset.with_status([self.value()], at=timezone.now())
        return queryset


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0


class CallObjectiveInline(admin.TabularInline):
    model = CallObjective
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["identifier", "title", "programme", "current_status", "next_deadline"]
    list_filter = ["programme__fund", "programme", StatusFilter]
    search_fields = ["identifier", "title"]
    date_hierarchy = "opens_at"
    autocomplete_fields = ["programme"]
    readonly_fields = ["current_status", "created_at", "updated_at"]
    inlines = [DeadlineInline, CallObjectiveInline]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    @admin.display(description=_("status"))
    def current_status(self, obj: Call) -> str:
        if obj.pk is None:
            return "-"
        return obj.status_at(timezone.now()).label

    @admin.display(description=_("next deadline"))
    def next_deadline(self, obj: Call):
        deadline = obj.deadline_after(timezone.now())
        return str(deadline) if deadline else "-"
