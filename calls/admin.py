"""The staff admin of calls. Changes go through calls/services.py, or do what it does:
count a version, keep the history (simple-history, with the request's user) and record
the `CallChange` applicants are shown."""

import csv
from datetime import datetime

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from calls import services
from calls.models import BRUSSELS, Call, CallObjective, CallStatus, Deadline
from portal.spreadsheets import spreadsheet_cell

CSV_HEADER = [
    "identifier",
    "code",
    "title",
    "programme",
    "fund",
    "status",
    "opens_at",
    "deadlines",
    "published_at",
    "url",
]


class Publication(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHED = "published", _("Published")


def publication_at(call: Call, at: datetime) -> Publication:
    """The Python form of `CallQuerySet.drafts()`, `scheduled()` and `public()`."""
    if call.published_at is None:
        return Publication.DRAFT
    return Publication.PUBLISHED if call.is_public_at(at) else Publication.SCHEDULED


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


class PublicationFilter(admin.SimpleListFilter):
    """Drafts, scheduled and published calls at the time of the request."""

    title = _("publication")
    parameter_name = "published"

    def lookups(self, request, model_admin):
        return Publication.choices

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case Publication.DRAFT:
                return queryset.drafts()
            case Publication.SCHEDULED:
                return queryset.scheduled(at=now)
            case Publication.PUBLISHED:
                return queryset.public(at=now)
        return queryset


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0


class CallObjectiveInline(admin.TabularInline):
    model = CallObjective
    extra = 0


@admin.register(Call)
class CallAdmin(SimpleHistoryAdmin):
    list_display = [
        "identifier",
        "title",
        "programme",
        "current_status",
        "next_deadline",
        "publication",
    ]
    list_filter = ["programme__fund", "programme", StatusFilter, PublicationFilter]
    search_fields = ["identifier", "title"]
    date_hierarchy = "opens_at"
    autocomplete_fields = ["programme"]
    # Publication goes through the actions, so that it is recorded as a CallChange.
    readonly_fields = [
        "current_status",
        "published_at",
        "cancelled_at",
        "cancellation_reason",
        "created_at",
        "updated_at",
        # Where an imported topic came from: written by the import only (calls/ft/).
        "source",
        "ft_ccm2_id",
        "ft_call_ccm2_id",
        "ft_reference",
        "ft_status",
        "ft_last_seen_at",
        "ft_missing_since",
    ]
    inlines = [DeadlineInline, CallObjectiveInline]
    actions = ["publish", "unpublish", "export_csv"]
    history_list_display = ["version"]

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

    @admin.display(description=_("publication"), ordering="published_at")
    def publication(self, obj: Call) -> str:
        return publication_at(obj, timezone.now()).label

    def save_model(self, request, obj, form, change):
        # Every saved edit is a version, as in calls/services.py; simple-history's
        # HistoryRequestMiddleware records request.user as the author.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """Deadlines of a published call added, moved or removed here are recorded as
        CallChanges, as `services.call_update` does."""
        call = form.instance
        if formset.model is not Deadline or call.published_at is None:
            return super().save_formset(request, form, formset, change)
        old = {f.instance.pk: f.initial["due_at"] for f in formset.initial_forms}
        removed = [old[f.instance.pk] for f in formset.deleted_forms if f.instance.pk in old]
        super().save_formset(request, form, formset, change)
        moves = [(old[d.pk], d.due_at) for d, names in formset.changed_objects if "due_at" in names]
        moves += [(due_at, None) for due_at in removed]
        moves += [(None, d.due_at) for d in formset.new_objects]
        for old_due_at, new_due_at in moves:
            services.call_record_deadline_change(
                call=call, user=request.user, old_due_at=old_due_at, new_due_at=new_due_at
            )

    @admin.action(description=_("Publish selected calls"), permissions=["change"])
    def publish(self, request, queryset):
        now = timezone.now()
        calls = [call for call in queryset if not call.is_public_at(now)]
        if self._change_all(request, calls, services.call_publish):
            count = len(calls)
            message = ngettext("%(count)d call published.", "%(count)d calls published.", count)
            self.message_user(request, message % {"count": count})

    @admin.action(description=_("Unpublish selected calls"), permissions=["change"])
    def unpublish(self, request, queryset):
        calls = [call for call in queryset if call.published_at is not None]
        if self._change_all(request, calls, services.call_unpublish):
            count = len(calls)
            message = ngettext("%(count)d call unpublished.", "%(count)d calls unpublished.", count)
            self.message_user(request, message % {"count": count})

    def _change_all(self, request, calls: list[Call], change) -> bool:
        """`change` every call, or none: a call that does not validate (its fund's prefix
        changed since, say) stops the action with its errors, and nothing is changed."""
        try:
            with transaction.atomic():
                for call in calls:
                    change(call=call, user=request.user)
        except ValidationError as error:
            errors = "; ".join(error.messages)
            message = _("Nothing was changed: %(call)s cannot be saved: %(errors)s")
            self.message_user(request, message % {"call": call, "errors": errors}, messages.ERROR)
            return False
        return True

    @admin.action(description=_("Export selected calls as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="calls.csv"'
        writer = csv.writer(response)
        writer.writerow(CSV_HEADER)
        now = timezone.now()
        # The public pages' addresses in the default language, whatever the admin's.
        with translation.override(settings.LANGUAGE_CODE):
            for call in queryset.order_by("identifier"):
                writer.writerow(self._csv_row(request, call, now))
        return response

    def _csv_row(self, request, call: Call, now: datetime) -> list:
        cells = [
            call.identifier,
            call.code,
            call.title,
            call.programme.slug,
            call.programme.fund.code,
            call.status_at(now).value,
            _iso(call.opens_at),
            ";".join(_iso(deadline.due_at) for deadline in call.deadlines.all()),
            _iso(call.published_at),
            request.build_absolute_uri(call.get_absolute_url()),
        ]
        return [spreadsheet_cell(cell) for cell in cells]


def _iso(moment: datetime | None) -> str:
    """A moment in Brussels time, ISO 8601 with its offset; empty when there is none."""
    return timezone.localtime(moment, BRUSSELS).isoformat() if moment else ""


from calls.ft import admin as ft_admin  # noqa: E402, F401 (registers the F&T import runs)
