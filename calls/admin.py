"""The staff admin of calls. Every change goes through calls/services.py, as from the NCP
area and the API: the call with its deadlines and objectives is saved by `call_create` or
`call_update` (validated, a version counted and checked against the one the editor
started from, the history kept with the request's user, the `CallChange` applicants are
shown recorded); publication by the actions. A published call is not deleted (it is
cancelled or unpublished first) and history's "Revert" is off: it wrote an old version
back over the services' checks."""

import csv
from datetime import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from calls import services
from calls.models import Call, CallObjective, CallStatus, Deadline
from foundation.brussels import brussels_time
from foundation.history import ReadOnlyHistoryAdmin
from foundation.site import absolute_url
from foundation.spreadsheets import spreadsheet_cell

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


class DeadlineFormSet(BaseInlineFormSet):
    def clean(self):
        """At least one deadline kept, said on the form (the service refuses it too)."""
        super().clean()
        if not _kept_rows([self], Deadline):
            raise ValidationError(_("A call needs at least one deadline."))


class DeadlineInline(admin.TabularInline):
    model = Deadline
    formset = DeadlineFormSet
    extra = 0


class CallAdminForm(forms.ModelForm):
    """What an editor may change (services.EDITABLE_FIELDS), and the version they started
    from: a save based on an older one is refused, their edits kept in the form."""

    edited_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Call
        fields = services.EDITABLE_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edited_version"].required = True
            self.fields["edited_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        started_from = cleaned.get("edited_version")
        if self.instance.pk and started_from is not None:
            current = Call.objects.values_list("version", flat=True).get(pk=self.instance.pk)
            if current != started_from:
                raise ValidationError(
                    _(
                        "Someone saved this call since you opened it (version %(old)d, now "
                        "%(new)d). Open it again to see their changes, then make yours."
                    ),
                    params={"old": started_from, "new": current},
                    code="conflict",
                )
        return cleaned


class CallObjectiveInline(admin.TabularInline):
    model = CallObjective
    extra = 0


@admin.register(Call)
class CallAdmin(ReadOnlyHistoryAdmin, SimpleHistoryAdmin):
    list_display = [
        "identifier",
        "title",
        "programme",
        "current_status",
        "next_deadline",
        "publication",
    ]
    list_filter = ["programme__fund", "programme", StatusFilter, PublicationFilter]
    # "=code": the numeric code matches whole ("12" does not find 112).
    search_fields = ["identifier", "=code", "title"]
    date_hierarchy = "opens_at"
    autocomplete_fields = ["programme"]
    # Publication goes through the actions, so that it is recorded as a CallChange.
    readonly_fields = [
        "version",
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
    form = CallAdminForm
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
        """Nothing here: the call is saved with its deadlines and objectives, through the
        services, in `save_related`."""

    def save_related(self, request, form, formsets, change):
        fields = {
            name: form.cleaned_data[name]
            for name in services.EDITABLE_FIELDS
            if name in form.cleaned_data
        }
        deadlines = [
            services.DeadlineInput(due_at=data["due_at"], label=data.get("label", ""), pk=pk)
            for pk, data in _kept_rows(formsets, Deadline)
        ]
        rows = sorted(_kept_rows(formsets, CallObjective), key=lambda row: row[1]["position"])
        objectives = [data["text"] for _pk, data in rows]
        if change:
            services.call_update(
                call=form.instance,
                user=request.user,
                fields=fields,
                deadlines=deadlines,
                objectives=objectives,
                expected_version=form.cleaned_data["edited_version"],
            )
        else:
            call = services.call_create(
                user=request.user, fields=fields, deadlines=deadlines, objectives=objectives
            )
            form.instance.pk = call.pk

    def construct_change_message(self, request, form, formsets, add=False):
        # The inlines were saved by the service, not by their formsets.
        return super().construct_change_message(request, form, [], add)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A refusal of the service that the form could not foresee (a concurrent save
        between the form's check and the save) rolls back and is said, not a 500."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.EditConflict as conflict:
            reason = str(conflict)
        except ValidationError as error:
            reason = "; ".join(error.messages)
        message = _("Nothing was saved: %(reason)s") % {"reason": reason}
        self.message_user(request, message, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def has_delete_permission(self, request, obj=None) -> bool:
        """Drafts only: applicants may follow a published call, so it is cancelled (they
        are told) or unpublished first."""
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Bulk deletion would take published calls with it (see has_delete_permission).
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

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
                writer.writerow(self._csv_row(call, now))
        return response

    def _csv_row(self, call: Call, now: datetime) -> list:
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
            absolute_url(call.get_absolute_url()),
        ]
        return [spreadsheet_cell(cell) for cell in cells]


def _kept_rows(formsets, model) -> list[tuple[int | None, dict]]:
    """(pk, cleaned data) of the rows of `model`'s inline that are kept: filled in and not
    marked for deletion."""
    formset = next(formset for formset in formsets if formset.model is model)
    return [
        (form.instance.pk, form.cleaned_data)
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _iso(moment: datetime | None) -> str:
    """A moment in Brussels time, ISO 8601 with its offset; empty when there is none."""
    return brussels_time(moment, "c") if moment else ""


from calls.ft import admin as ft_admin  # noqa: E402, F401 (registers the F&T import runs)
