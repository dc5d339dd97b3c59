"""The forms of the NCP area. They check what a form can (fields, the model's `full_clean`
through ModelForm, deadlines against the opening); the services check it all again."""

from datetime import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from calls.models import (
    DEADLINE_BEFORE_OPENING,
    DOCUMENT_LANGUAGES,
    FT_OWNED_FIELDS,
    MAX_DEADLINES,
    Call,
    CallDocument,
    Deadline,
)
from calls.services import (
    EDITABLE_FIELDS,
    ELIGIBILITY_FIELDS,
    DeadlineInput,
    DocumentInput,
    publication_moment,
)
from foundation.brussels import brussels_time
from programmes.models import ContactPerson, ContactPoint, Programme
from programmes.services import CONTACT_POINT_FIELDS, PersonInput


class DateTimeLocalInput(forms.DateTimeInput):
    """A browser's date and time picker; the form field reads it in the current time zone
    (Europe/Brussels, settings.TIME_ZONE)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def moment_field(label, *, required: bool = True, help_text="") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, help_text=help_text, widget=DateTimeLocalInput()
    )


FROM_FT = _("From the EU Funding & Tenders Portal, which keeps it up to date.")


class CallForm(forms.ModelForm):
    """Every field an editor sets (calls/services.py EDITABLE_FIELDS), among the
    programmes the user manages; objectives one per line."""

    objectives = forms.CharField(
        label=_("Specific objectives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One objective per line."),
    )

    class Meta:
        model = Call
        fields = [*EDITABLE_FIELDS, *ELIGIBILITY_FIELDS]
        widgets = {
            "eligible_participants": forms.CheckboxSelectMultiple,
            "themes": forms.CheckboxSelectMultiple,
            "opens_at": DateTimeLocalInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "identifier": _("Starts with the fund's prefix, e.g. AMIF-2024-TF2-AG-THB-01."),
            "opens_at": _("Brussels time."),
        }

    contact_points = forms.ModelMultipleChoiceField(
        label=_("National contact points"),
        queryset=ContactPoint.objects.filter(level=ContactPoint.Level.NATIONAL),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Those applicants of your country can ask about this call."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.managed_by(user).select_related(
            "fund"
        )
        if self.instance.pk:
            self.initial.setdefault("contact_points", list(self.instance.contact_points.all()))
        if self.instance.is_imported:
            # What the EU Funding & Tenders Portal gives is shown, not editable: the form
            # keeps the stored values whatever is posted.
            for name in set(FT_OWNED_FIELDS) & set(self.fields):
                self.fields[name].disabled = True
                self.fields[name].help_text = FROM_FT

    def call_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}

    def eligibility(self) -> dict:
        return {name: self.cleaned_data[name] for name in ELIGIBILITY_FIELDS}

    def objective_texts(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["objectives"].splitlines()]


class CallEditForm(CallForm):
    """The call form with the version the editor started from (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DeadlineForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_at = moment_field(pgettext_lazy("form field", "Deadline"), help_text=_("Brussels time."))
    label = forms.CharField(
        label=_("Label"),
        max_length=100,
        required=False,
        help_text=_("Optional, e.g. First stage, Cut-off 2."),
    )


class BaseDeadlineFormSet(forms.BaseFormSet):
    """Set `opens_at` (the call form's cleaned value) before validating: each deadline must
    come after it, and no two deadlines share a moment."""

    opens_at: datetime | None = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this deadline")

    def live_forms(self) -> list[forms.Form]:
        return [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]

    def clean(self) -> None:
        live = self.live_forms()
        if not live and not any(form.errors for form in self.forms):
            raise ValidationError(_("A call needs at least one deadline."))
        seen = set()
        for form in live:
            due_at = form.cleaned_data.get("due_at")
            if due_at is None:
                continue
            if self.opens_at and due_at <= self.opens_at:
                form.add_error("due_at", DEADLINE_BEFORE_OPENING)
            elif due_at in seen:
                form.add_error("due_at", _("This call already has a deadline at that time."))
            seen.add(due_at)

    def deadline_inputs(self) -> list[DeadlineInput]:
        return [
            DeadlineInput(
                form.cleaned_data["due_at"], form.cleaned_data["label"], form.cleaned_data["id"]
            )
            for form in self.live_forms()
        ]


DeadlineFormSet = forms.formset_factory(
    DeadlineForm,
    formset=BaseDeadlineFormSet,
    extra=1,
    min_num=1,
    max_num=MAX_DEADLINES,
    validate_max=True,
    can_delete=True,
)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(label=_("Address (URL)"), max_length=500, assume_scheme="https")
    kind = forms.ChoiceField(
        label=_("Kind"), choices=CallDocument.Kind.choices, initial=CallDocument.Kind.CALL_TEXT
    )
    language = forms.ChoiceField(label=_("Language"), choices=DOCUMENT_LANGUAGES, initial="en")


class BaseDocumentFormSet(forms.BaseFormSet):
    """The call's documents, in order; a blank row is left out, a ticked one removed."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this document")

    def document_inputs(self) -> list[DocumentInput]:
        fields = ("title", "url", "kind", "language")
        return [
            DocumentInput(**{name: form.cleaned_data[name] for name in fields})
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


DocumentFormSet = forms.formset_factory(
    DocumentForm, formset=BaseDocumentFormSet, extra=1, can_delete=True
)


def document_initial(call: Call) -> list[dict]:
    return [
        {"title": d.title, "url": d.url, "kind": d.kind, "language": d.language}
        for d in call.documents.all()
    ]


# The name of the "Add another deadline" button: the form comes back with one more
# deadline row and what was entered, nothing saved and no error shown (no JavaScript).
ADD_DEADLINE = "add_deadline"


def as_entered(form: forms.Form) -> dict:
    """What the editor entered in a bound form, as the initial values of a new one."""
    return {name: form[name].data for name in form.fields}


def rows_as_entered(formset: forms.BaseFormSet) -> list[dict]:
    """The rows entered, as initial rows: the formset adds one empty row after them."""
    return [as_entered(form) for form in formset.forms]


def deadline_initial(call: Call) -> list[dict]:
    return [{"id": d.pk, "due_at": d.due_at, "label": d.label} for d in call.deadlines.all()]


class PublicationForm(forms.Form):
    """When a new call becomes public: never (a draft), now, or at a given moment."""

    DRAFT, NOW, LATER = "draft", "now", "later"

    publication = forms.ChoiceField(
        label=_("Publication"),
        choices=[
            (DRAFT, _("Keep as a draft, seen only by its editors")),
            (NOW, _("Publish now")),
            (LATER, _("Publish at the moment below")),
        ],
        initial=DRAFT,
        widget=forms.RadioSelect,
    )
    publish_at = moment_field(_("Publish at"), required=False, help_text=_("Brussels time."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("publication") == self.LATER:
            _check_publication_moment(self, "publish_at")
        return cleaned

    def published_at(self) -> datetime | None:
        match self.cleaned_data["publication"]:
            case self.NOW:
                return timezone.now()
            case self.LATER:
                return self.cleaned_data["publish_at"]
        return None


class PublishForm(forms.Form):
    """Publish now (`when=now`) or schedule (`when=later` with `at`)."""

    prefix = "publish"

    when = forms.ChoiceField(choices=[("now", _("now")), ("later", _("later"))])
    at = moment_field(_("Publish at"), required=False, help_text=_("Brussels time."))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == "later":
            _check_publication_moment(self, "at")
        return cleaned

    def moment(self) -> datetime | None:
        return self.cleaned_data["at"] if self.cleaned_data["when"] == "later" else None


def _check_publication_moment(form: forms.Form, field: str) -> None:
    """The publication moment of `field` is given and not in the past (the services' rule)."""
    moment = form.cleaned_data.get(field)
    if moment is None:
        if field not in form.errors:
            form.add_error(field, _("Give the moment of publication."))
        return
    try:
        publication_moment(moment)
    except ValidationError as error:
        form.add_error(field, error.message_dict["published_at"])


class ExtendDeadlineForm(forms.Form):
    prefix = "extend"
    deadline = forms.ModelChoiceField(label=_("Deadline to extend"), queryset=Deadline.objects)
    due_at = moment_field(_("New deadline"), help_text=_("Brussels time."))
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional; shown to applicants with the change."),
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["deadline"]
        field.queryset = call.deadlines.all()
        field.label_from_instance = _deadline_choice
        # The deadline to come is the one people extend; no empty choice to trip on.
        field.empty_label = None
        field.initial = call.deadline_after(timezone.now()) or call.final_deadline


def _deadline_choice(deadline: Deadline) -> str:
    """A deadline as the reader's language writes it, in Brussels time."""
    moment = brussels_time(deadline.due_at, "j F Y, H:i")
    if not deadline.label:
        return moment
    return _("%(label)s: %(deadline)s") % {"label": deadline.label, "deadline": moment}


class CancelForm(forms.Form):
    prefix = "cancel"
    reason = forms.CharField(
        label=_("Reason for cancellation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to applicants on the call's page."),
    )


class ContactPointForm(forms.ModelForm):
    class Meta:
        model = ContactPoint
        fields = CONTACT_POINT_FIELDS


class PersonForm(forms.ModelForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ContactPerson
        fields = ["name", "job_title", "phone", "email"]

    def __init__(self, *args, contact_point: ContactPoint | None = None, **kwargs):
        """`contact_point`: whose country a number without a country code belongs to."""
        super().__init__(*args, **kwargs)
        self.instance.contact_point = contact_point


class BasePersonFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this person")

    def person_inputs(self) -> list[PersonInput]:
        return [
            PersonInput(
                name=form.cleaned_data["name"],
                job_title=form.cleaned_data["job_title"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                pk=form.cleaned_data["id"],
            )
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]


PersonFormSet = forms.formset_factory(
    PersonForm, formset=BasePersonFormSet, extra=1, can_delete=True
)


def person_initial(contact_point: ContactPoint) -> list[dict]:
    fields = ["id", "name", "job_title", "phone", "email"]
    return [
        {name: getattr(person, name) for name in fields} for person in contact_point.persons.all()
    ]


def add_service_errors(error: ValidationError, form: forms.BaseForm) -> None:
    """Put a service's ValidationError on the form: on a field it has, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


def error_summary(*forms_and_formsets) -> list[dict]:
    """Every error of the page, in page order, each with the id of what it is about."""
    items = []
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseFormSet):
            items += [
                {"anchor": item.prefix, "label": "", "message": message}
                for message in item.non_form_errors()
            ]
            for form in item.forms:
                if not (item.can_delete and item._should_delete_form(form)):
                    items += _form_errors(form)
        elif item is not None:
            items += _form_errors(item)
    return items


def _form_errors(form: forms.BaseForm) -> list[dict]:
    items = []
    for name, messages in form.errors.items():
        if name == NON_FIELD_ERRORS:
            anchor, label = f"{form.prefix}-errors" if form.prefix else "form-errors", ""
        else:
            field = form[name]
            anchor, label = field.id_for_label or field.auto_id, field.label
        items += [{"anchor": anchor, "label": label, "message": m} for m in messages]
    return items
