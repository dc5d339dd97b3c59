"""The admin of F&T imports: the runs (read-only) and the calls of topics."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from calls.models import ImportRun, ParentCall


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "outcome",
        "source",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "withdrawn",
        "warning_count",
    ]
    list_filter = ["outcome"]
    readonly_fields = [field.name for field in ImportRun._meta.fields]
    date_hierarchy = "started_at"

    @admin.display(description=_("warnings"))
    def warning_count(self, run: ImportRun) -> int:
        return len(run.warnings)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ParentCall)
class ParentCallAdmin(admin.ModelAdmin):
    list_display = ["identifier", "title", "source"]
    list_filter = ["source"]
    search_fields = ["identifier", "title"]
