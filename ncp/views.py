"""The national contact points' editing area (/manage/).

Thin views: who may do what is asked through the adapters of calls/permissions.py, what
a user sees starts from `Call.objects.editable_by` and `Programme.objects.managed_by`,
and every change is a service of calls/services.py or programmes/services.py.
"""

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calls import services
from calls.models import Call, CallChange, CallStatus, Deadline
from calls.permissions import (
    call_permission_required,
    contact_point_permission_required,
    require,
)
from calls.views import call_page
from ncp import forms
from ncp.history import call_history, display_value, person_name
from programmes.models import Programme
from programmes.services import contact_point_update

# A call closing within this many days is marked as needing attention.
ATTENTION_DAYS = 14


@dataclass(frozen=True)
class CallRow:
    """One call of the overview, with what its editors should look at."""

    call: Call
    status: CallStatus
    next_deadline: Deadline | None
    is_draft: bool
    is_scheduled: bool
    closes_soon: bool

    @classmethod
    def of(cls, call: Call, now: datetime) -> "CallRow":
        status = call.status_at(now)
        next_deadline = call.deadline_after(now)
        return cls(
            call=call,
            status=status,
            next_deadline=next_deadline,
            is_draft=call.published_at is None,
            is_scheduled=not call.is_public_at(now) and call.published_at is not None,
            closes_soon=status == CallStatus.OPEN
            and next_deadline is not None
            and next_deadline.due_at <= now + timedelta(days=ATTENTION_DAYS),
        )

    @property
    def needs_attention(self) -> bool:
        return self.is_draft or self.is_scheduled or self.closes_soon


@login_required
def manage_home(request):
    """The calls of the user's programmes, drafts included: four queries, whatever their number."""
    now = timezone.now()
    calls = (
        Call.objects.editable_by(request.user)
        .select_related("programme__fund")
        .prefetch_related("deadlines")
        .order_by("programme__title", "-opens_at", "identifier")
    )
    context = {
        "rows": [CallRow.of(call, now) for call in calls],
        "programmes": Programme.objects.managed_by(request.user).select_related("fund"),
        "contact_points": request.user.contact_points.order_by("name"),
        "now": now,
        "attention_days": ATTENTION_DAYS,
    }
    return render(request, "ncp/manage_home.html", context)


@login_required
@permission_required("calls.add_call_to_programme", raise_exception=True)
def manage_call_create(request):
    programme = None
    if slug := request.GET.get("programme"):
        programme = get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)
    data = request.POST if request.method == "POST" else None
    form = forms.CallForm(data, user=request.user, initial={"programme": programme})
    formset = forms.DeadlineFormSet(data, prefix="deadlines")
    documents = forms.DocumentFormSet(data, prefix="documents")
    publication = forms.PublicationForm(data, prefix="publication")
    if data is not None and forms.ADD_DEADLINE in data:
        form = forms.CallForm(user=request.user, initial=forms.as_entered(form))
        initial_rows = forms.rows_as_entered(formset)
        formset = forms.DeadlineFormSet(prefix="deadlines", initial=initial_rows)
        documents = forms.DocumentFormSet(
            prefix="documents", initial=forms.rows_as_entered(documents)
        )
        entered = forms.as_entered(publication)
        publication = forms.PublicationForm(prefix="publication", initial=entered)
        data = None  # nothing to save yet, no error to show
    if data is not None and _all_valid(form, formset, documents, publication):
        require(request.user, "calls.add_call_to_programme", form.cleaned_data["programme"])
        try:
            call = services.call_create(
                user=request.user,
                fields=form.call_fields(),
                deadlines=formset.deadline_inputs(),
                objectives=form.objective_texts(),
                published_at=publication.published_at(),
                eligibility=form.eligibility(),
                documents=documents.document_inputs(),
                contact_points=form.cleaned_data["contact_points"],
            )
        except ValidationError as error:
            forms.add_service_errors(error, form)
        else:
            messages.success(request, _("The call %(identifier)s was created.") % _ids(call))
            return redirect("manage_call_detail", call.identifier)
    context = {
        "form": form,
        "formset": formset,
        "documents": documents,
        "publication": publication,
        "errors": forms.error_summary(form, formset, documents, publication)
        if data is not None
        else [],
    }
    return render(request, "ncp/manage_call_create.html", context)


@call_permission_required
def manage_call_edit(request, call: Call):
    if request.method == "POST" and call.is_imported:
        # F&T's deadlines are not in the form; the stored ones are kept.
        form = forms.CallEditForm(request.POST, instance=copy.copy(call), user=request.user)
        formset = forms.DeadlineFormSet(prefix="deadlines", initial=forms.deadline_initial(call))
        documents = forms.DocumentFormSet(request.POST, prefix="documents")
    elif request.method == "POST":
        form = forms.CallEditForm(request.POST, instance=copy.copy(call), user=request.user)
        formset = forms.DeadlineFormSet(request.POST, prefix="deadlines")
        documents = forms.DocumentFormSet(request.POST, prefix="documents")
    else:
        initial = {"version": call.version, "objectives": _objectives_text(call)}
        form = forms.CallEditForm(instance=copy.copy(call), user=request.user, initial=initial)
        formset = forms.DeadlineFormSet(prefix="deadlines", initial=forms.deadline_initial(call))
        documents = forms.DocumentFormSet(prefix="documents", initial=forms.document_initial(call))
    conflict = None
    adding = forms.ADD_DEADLINE in request.POST
    if adding:
        instance, entered = copy.copy(call), forms.as_entered(form)
        form = forms.CallEditForm(instance=instance, user=request.user, initial=entered)
        initial_rows = forms.rows_as_entered(formset)
        formset = forms.DeadlineFormSet(prefix="deadlines", initial=initial_rows)
        documents = forms.DocumentFormSet(
            prefix="documents", initial=forms.rows_as_entered(documents)
        )
    elif request.method == "POST" and (
        _all_valid(form, documents) if call.is_imported else _all_valid(form, formset, documents)
    ):
        try:
            call = services.call_update(
                call=call,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                fields=form.call_fields(),
                deadlines=_stored_deadlines(call)
                if call.is_imported
                else formset.deadline_inputs(),
                objectives=form.objective_texts(),
                eligibility=form.eligibility(),
                documents=documents.document_inputs(),
                contact_points=form.cleaned_data["contact_points"],
            )
        except services.EditConflict as error:
            conflict = _conflict_context(error)
            form = _with_version(form, error.call.version, call, request.user)
        except ValidationError as error:
            forms.add_service_errors(error, form)
        else:
            messages.success(request, _("Your changes to %(identifier)s were saved.") % _ids(call))
            return _to_detail(call)
    context = {
        "call": call,
        "form": form,
        "formset": formset,
        "documents": documents,
        "conflict": conflict,
        "errors": forms.error_summary(form, formset, documents)
        if request.method == "POST" and not adding
        else [],
    }
    return render(request, "ncp/manage_call_edit.html", context)


@call_permission_required
def manage_call_detail(request, call: Call):
    return _render_detail(request, call)


@call_permission_required
def manage_call_preview(request, call: Call):
    """The call's public page as applicants will see it, for a draft or a scheduled call."""
    return call_page(request, Call.objects.filter(pk=call.pk), call.identifier, preview=True)


@call_permission_required
@require_POST
def manage_call_delete(request, call: Call):
    try:
        services.call_delete_draft(call=call, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_detail(call)
    messages.success(request, _("The draft %(identifier)s was deleted.") % _ids(call))
    return redirect("manage_home")


@call_permission_required
@require_POST
def manage_call_publish(request, call: Call):
    form = forms.PublishForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, call, publish_form=form)
    call = services.call_publish(call=call, user=request.user, at=form.moment())
    if call.is_public_at(timezone.now()):
        messages.success(request, _("The call %(identifier)s is published.") % _ids(call))
    else:
        messages.success(request, _("The publication of %(identifier)s is scheduled.") % _ids(call))
    return _to_detail(call)


@call_permission_required
@require_POST
def manage_call_unpublish(request, call: Call):
    call = services.call_unpublish(call=call, user=request.user)
    messages.success(request, _("The call %(identifier)s is a draft again.") % _ids(call))
    return _to_detail(call)


@call_permission_required
@require_POST
def manage_call_extend_deadline(request, call: Call):
    form = forms.ExtendDeadlineForm(request.POST, call=call)
    if form.is_valid():
        try:
            services.call_extend_deadline(
                deadline=form.cleaned_data["deadline"],
                user=request.user,
                due_at=form.cleaned_data["due_at"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            forms.add_service_errors(error, form)
        else:
            messages.success(request, _("The deadline was extended."))
            return _to_detail(call)
    return _render_detail(request, call, extend_form=form)


@call_permission_required
@require_POST
def manage_call_cancel(request, call: Call):
    form = forms.CancelForm(request.POST)
    if form.is_valid():
        try:
            services.call_cancel(call=call, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            forms.add_service_errors(error, form)
        else:
            messages.success(request, _("The call %(identifier)s is cancelled.") % _ids(call))
            return _to_detail(call)
    return _render_detail(request, call, cancel_form=form)


@contact_point_permission_required
def manage_contact_point_edit(request, contact_point):
    data = request.POST if request.method == "POST" else None
    form = forms.ContactPointForm(data, instance=copy.copy(contact_point))
    initial = forms.person_initial(contact_point)
    formset = forms.PersonFormSet(
        data, prefix="persons", initial=initial, form_kwargs={"contact_point": contact_point}
    )
    if data is not None and _all_valid(form, formset):
        try:
            contact_point_update(
                contact_point=contact_point,
                user=request.user,
                fields={name: form.cleaned_data[name] for name in form.Meta.fields},
                persons=formset.person_inputs(),
            )
        except ValidationError as error:
            forms.add_service_errors(error, form)
        else:
            messages.success(request, _("The contact point's details were saved."))
            return redirect("manage_home")
    context = {
        "contact_point": contact_point,
        "form": form,
        "formset": formset,
        "errors": forms.error_summary(form, formset) if data is not None else [],
    }
    return render(request, "ncp/manage_contact_point_edit.html", context)


def _render_detail(request, call: Call, **forms_given):
    """The manage page of a call, with the action forms (bound ones show their errors)."""
    changes = CallChange.objects.select_related("made_by")
    prefetch_related_objects(
        [call], "deadlines", "objectives", Prefetch("changes", queryset=changes)
    )
    now = timezone.now()
    context = {
        "call": call,
        "row": CallRow.of(call, now),
        "now": now,
        "history": call_history(call),
        "publish_form": forms_given.get("publish_form") or forms.PublishForm(),
        "extend_form": forms_given.get("extend_form") or forms.ExtendDeadlineForm(call=call),
        "cancel_form": forms_given.get("cancel_form") or forms.CancelForm(),
        "errors": forms.error_summary(*forms_given.values()),
    }
    return render(request, "ncp/manage_call_detail.html", context)


def _conflict_context(error: services.EditConflict) -> dict:
    return {
        "who": person_name(error.changed_by),
        "when": error.changed_at,
        "changes": [
            {
                "label": change.label,
                "old": display_value(Call, change.field, change.old),
                "new": display_value(Call, change.field, change.new),
            }
            for change in error.changes
        ],
    }


def _with_version(form, version: int, call: Call, user):
    """The same input, now based on the current version: saving again is a deliberate
    overwrite, the first attempt having been refused."""
    data = form.data.copy()
    data["version"] = str(version)
    form = forms.CallEditForm(data, instance=copy.copy(call), user=user)
    form.is_valid()
    return form


def _all_valid(*forms_and_formsets) -> bool:
    """Validate every form (all of them, so that every error shows), deadlines last as
    they are compared with the call form's opening."""
    valid = True
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseDeadlineFormSet):
            item.opens_at = forms_and_formsets[0].cleaned_data.get("opens_at")
        valid = item.is_valid() and valid
    return valid


def _stored_deadlines(call: Call) -> list[services.DeadlineInput]:
    return [services.DeadlineInput(d.due_at, d.label, d.pk) for d in call.deadlines.all()]


def _objectives_text(call: Call) -> str:
    return "\n".join(objective.text for objective in call.objectives.all())


def _ids(call: Call) -> dict:
    return {"identifier": call.identifier}


def _to_detail(call: Call) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("manage_call_detail", args=[call.identifier]))
