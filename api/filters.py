"""The API's filters. Calls reuse the filters of /calls/ (calls.filters.CallFilter).

An invalid value answers 400 with the error per parameter (the page, instead, shows
the error and ignores the value).
"""

import copy
from datetime import UTC

import django_filters
from django.core.exceptions import ValidationError
from django.db import models
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend

from calls.filters import CallFilter
from calls.models import CallStatus
from programmes.models import Fund, Theme
from projects.models import Country, Initiative, NewsItem


class CallOrdering(models.TextChoices):
    """Orderings a cursor can follow: a column, then the primary key for ties."""

    LAST_DEADLINE = "last_deadline", "Last deadline soonest first (the default)"
    LAST_DEADLINE_DESC = "-last_deadline", "Last deadline latest first"
    UPDATED_AT = "updated_at", "Least recently changed first (for sync, with updated_since)"
    UPDATED_AT_DESC = "-updated_at", "Most recently changed first"
    OPENS_AT = "opens_at", "Opening first"
    OPENS_AT_DESC = "-opens_at", "Newest first"
    IDENTIFIER = "identifier", "By identifier code"
    IDENTIFIER_DESC = "-identifier", "By identifier code, Z to A"


# The column behind each ordering. `submission_ends_at` is a call's last deadline; it
# leads the covering index call_schedule, so the default page of open calls is read
# in index order (2 ms on 50,000 calls, against 50 ms to sort them by updated_at).
_ORDERING_FIELD = {"last_deadline": "submission_ends_at"}


class ShallowCopies(dict):
    """Filters or form fields that `copy.deepcopy` copies one level deep: each filter or
    field is copied, what it holds (querysets, choices, widgets) is shared. For a filter
    set or form made per request that only reads them; deep copies of the API's call
    filters and their form's fields took 2 ms a request (bench/api.py)."""

    def __deepcopy__(self, memo) -> dict:
        copies = {name: copy.copy(item) for name, item in self.items()}
        for item in copies.values():
            if getattr(item, "method", None):
                item.method = item.method  # binds the copy's FilterMethod to the copy
        return copies


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, turned to UTC: Python accepts offsets up to 23:59, PostgreSQL
    stores only up to 15:59; a moment whose UTC form is outside years 1-9999 is refused."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValidationError("Enter a moment between the years 1 and 9999.") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class ApiCallFilter(CallFilter):
    """/calls/'s filters, plus `updated_since` and `ordering`; every status by default.

    The page's `sort` (closing soonest, relevance) follows computed values that a
    cursor cannot hold; the API orders by a column instead (`ordering`).
    """

    default_statuses = list(CallStatus)
    sort = None
    updated_since = UtcIsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Calls changed at or after this moment (ISO 8601 with offset): incremental sync.",
    )
    ordering = django_filters.ChoiceFilter(
        choices=CallOrdering.choices, method="applied_later", label="The order of the results."
    )

    def _sorted(self, queryset):
        return queryset  # the cursor paginator orders (cursor_ordering)

    def get_form_class(self):
        """The form class, built once: its fields depend on nothing of the request, and
        building them took 1 ms a request. Its forms copy its fields shallowly (see
        ShallowCopies): they validate, and are never rendered nor changed."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields = ShallowCopies(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class

    @property
    def cursor_ordering(self) -> tuple[str, str]:
        wanted = self._cleaned("ordering") or CallOrdering.LAST_DEADLINE
        descending = wanted.startswith("-")
        field = _ORDERING_FIELD.get(wanted.lstrip("-"), wanted.lstrip("-"))
        sign = "-" if descending else ""
        return (f"{sign}{field}", f"{sign}pk")


# A filter set deep-copies its filters (and their querysets) when made; the API's
# filters keep no state of a request but the filter set they belong to, which the
# filter set sets on its copies.
ApiCallFilter.base_filters = ShallowCopies(ApiCallFilter.base_filters)


class InitiativeFilter(django_filters.FilterSet):
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(), to_field_name="code", field_name="countries",
        label="Works in this country (ISO code, e.g. TR).",
    )  # fmt: skip
    fund = django_filters.ModelChoiceFilter(
        queryset=Fund.objects.all(), to_field_name="code", field_name="funding_sources",
        label="Funded by this fund (code, e.g. AMIF).",
    )  # fmt: skip
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(), to_field_name="slug", field_name="themes",
        label="Has this theme (slug).",
    )  # fmt: skip

    class Meta:
        model = Initiative
        fields: list[str] = []


class NewsFilter(django_filters.FilterSet):
    initiative = django_filters.ModelChoiceFilter(
        queryset=Initiative.objects.all(), to_field_name="slug", label="About this initiative."
    )
    country = django_filters.ModelChoiceFilter(
        queryset=Country.objects.all(), to_field_name="code", field_name="countries",
        label="About this country (ISO code).",
    )  # fmt: skip
    published_after = django_filters.DateFilter(
        field_name="published_on", lookup_expr="gte", label="Published on or after this day."
    )
    published_before = django_filters.DateFilter(
        field_name="published_on", lookup_expr="lte", label="Published on or before this day."
    )

    class Meta:
        model = NewsItem
        fields: list[str] = []


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend (400 on an invalid value); keeps the filter set on the view."""

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        return view.filterset
