from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from calls.filters import CallFilter
from calls.models import Call, CallStatus
from programmes.models import Programme

# The filters of /calls/ a saved search keeps: status, sort and page describe a moment
# or a view, not what someone looks for (new calls are open or forthcoming anyway).
SAVED_FILTERS = ("q", "fund", "programme", "eligible", "theme", "closes_after", "closes_before")


class SubscribeForm(forms.Form):
    """An e-mail address and one thing to follow: `call` (identifier), `programme`
    (slug) or `search` (the query string of /calls/)."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    call = forms.CharField(required=False, widget=forms.HiddenInput)
    programme = forms.CharField(required=False, widget=forms.HiddenInput)
    search = forms.CharField(required=False, max_length=900, widget=forms.HiddenInput)

    def clean_call(self) -> Call | None:
        identifier = self.cleaned_data["call"]
        if not identifier:
            return None
        call = Call.objects.public().prefetch_related("deadlines").filter(identifier=identifier)
        call = call.first()
        if call is None:
            raise forms.ValidationError(
                _("There is no published call %(identifier)s."), params={"identifier": identifier}
            )
        if call.status in (CallStatus.CLOSED, CallStatus.CANCELLED):
            raise forms.ValidationError(
                _("This call is closed: no deadline is left to remind you of.")
            )
        return call

    def clean_programme(self) -> Programme | None:
        slug = self.cleaned_data["programme"]
        if not slug:
            return None
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise forms.ValidationError(_("There is no such programme."))
        return programme

    def clean_search(self) -> str:
        """The saved search, normalised: "?" and the filters kept, in a fixed order."""
        if "search" not in self.data:
            return ""
        data = QueryDict(self.cleaned_data["search"].removeprefix("?"))
        if not CallFilter(data).form.is_valid():
            raise forms.ValidationError(_("This search has filters that are not valid."))
        kept = QueryDict(mutable=True)
        for name in SAVED_FILTERS:
            if values := [value for value in data.getlist(name) if value.strip()]:
                kept.setlist(name, values)
        return "?" + kept.urlencode()

    def clean(self):
        cleaned = super().clean()
        chosen = [name for name in ("call", "programme", "search") if cleaned.get(name)]
        if len(chosen) != 1 and not self.errors:
            raise forms.ValidationError(_("Choose one call, programme or search to follow."))
        return cleaned
