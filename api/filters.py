"""The API's filters. Calls reuse the filters of /calls/ (calls.filters.CallFilter).

An invalid value answers 400 with the error per parameter (the page, instead, shows
the error and ignores the value).
"""

from datetime import UTC, datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions

from calls.filters import EARLIEST_DAY, LATEST_DAY, CallFilter, CallFilterForm
from calls.models import CallQuerySet, CallStatus
from programmes.models import ParticipantType, Theme
from projects.models import Initiative, NewsItem


class CallOrdering(models.TextChoices):
    """Orderings a cursor can follow: a column, then the primary key for ties."""

    CLOSES_AT = "closes_at", "Submission ending soonest first (the default)"
    CLOSES_AT_DESC = "-closes_at", "Submission ending latest first"
    UPDATED_AT = "updated_at", "Least recently changed first (for sync, with updated_since)"
    UPDATED_AT_DESC = "-updated_at", "Most recently changed first"
    OPENS_AT = "opens_at", "Opening first"
    OPENS_AT_DESC = "-opens_at", "Newest first"
    IDENTIFIER = "identifier", "By identifier code"
    IDENTIFIER_DESC = "-identifier", "By identifier code, Z to A"


# The column behind each ordering. `submission_ends_at` is a call's last deadline; it
# leads the covering index call_schedule, so the default page of open calls is read
# in index order rather than sorted.
_ORDERING_FIELD = {"closes_at": "submission_ends_at"}
# The names of version 1.0 of the schema, still taken.
_ORDERING_ALIASES = {"last_deadline": "closes_at", "-last_deadline": "-closes_at"}


class OrderingField(forms.ChoiceField):
    def to_python(self, value):
        value = super().to_python(value)
        return _ORDERING_ALIASES.get(value, value)


class OrderingFilter(django_filters.ChoiceFilter):
    field_class = OrderingField


# What the API's schema states of a slug, a fund's code and a country's ISO code; a value of
# that shape which names nothing matches nothing (200, no results), rather than a 400 the
# schema could not announce.
SLUG = r"^[-a-zA-Z0-9_]+$"
COUNTRY = r"^[A-Z]{2}$"
# Any text but NUL, which is refused before any view reads it (portal.middleware).
NO_NUL = r"^[^\x00]+$"


def _named_filter(
    field_name: str, pattern: str | None, label: str, method: str | None = None
) -> django_filters.CharFilter:
    """An exact match on `field_name` (or what `method` does), of a value of `pattern` (any
    text if None)."""
    schema = {"type": "string", "minLength": 1, "maxLength": 160, "description": label}
    validators = []
    schema["pattern"] = pattern or NO_NUL
    if pattern:
        validators.append(RegexValidator(pattern))
    named = extend_schema_field(schema)(type("NamedFilter", (django_filters.CharFilter,), {}))
    return named(
        field_name=field_name, label=label, validators=validators, max_length=160, method=method
    )


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, turned to UTC: Python accepts offsets up to 23:59, PostgreSQL
    stores only up to 15:59. A moment whose UTC form is outside years 1-9999 (the first or
    last hours of those years, with an offset) is taken as the first or last moment."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            bound = datetime.min if value.year == 1 else datetime.max
            return bound.replace(tzinfo=UTC)


class ApiCallFilterForm(CallFilterForm):
    """The page's filter form, but any date the schema allows is taken: a day before 1900
    or after 9998 as the earliest or latest, a range that ends before it starts as one
    that holds nothing."""

    def clean(self):
        cleaned = forms.Form.clean(self)
        for name in ("closes_after", "closes_before"):
            if cleaned.get(name):
                cleaned[name] = min(max(cleaned[name], EARLIEST_DAY), LATEST_DAY)
        return cleaned


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
    ordering = OrderingFilter(
        choices=CallOrdering.choices, method="applied_later", label="The order of the results."
    )
    fund = _named_filter("programme__fund__code", None, "A fund's code, e.g. AMIF.")
    programme = _named_filter("programme__slug", SLUG, "A programme's slug.")
    # Who can apply and the themes: the call's own, else its programme's (as on /calls/).
    eligible = _named_filter(
        "eligible_participants", SLUG, "A participant type's slug, e.g. ngos.", "filter_eligible"
    )
    theme = _named_filter("themes", SLUG, "A theme's slug.", "filter_theme")
    action = _named_filter(
        "action_code",
        None,
        "A type of action: an F&T code such as AMIF-PJG, or AG/OG.",
        "filter_action",
    )

    class Meta(CallFilter.Meta):
        form = ApiCallFilterForm

    def _sorted(self, queryset):
        return queryset  # the cursor paginator orders (cursor_ordering)

    def filter_eligible(self, queryset, name, value):
        return _named(queryset, ParticipantType, value, CallQuerySet.eligible_for)

    def filter_theme(self, queryset, name, value):
        return _named(queryset, Theme, value, CallQuerySet.in_theme)

    @property
    def cursor_ordering(self) -> tuple[str, str]:
        return cursor_ordering(self._cleaned("ordering"))


def cursor_ordering(wanted: str | None) -> tuple[str, str]:
    """The columns a cursor follows for a valid `ordering` (or its alias), or none given."""
    wanted = _ORDERING_ALIASES.get(wanted, wanted) or CallOrdering.CLOSES_AT
    descending = wanted.startswith("-")
    field = _ORDERING_FIELD.get(wanted.lstrip("-"), wanted.lstrip("-"))
    sign = "-" if descending else ""
    return (f"{sign}{field}", f"{sign}pk")


class InitiativeFilter(django_filters.FilterSet):
    country = _named_filter(
        "countries__code", COUNTRY, "Works in this country (ISO code, e.g. TR)."
    )
    fund = _named_filter("funding_sources__code", None, "Funded by this fund (code, e.g. AMIF).")
    theme = _named_filter("themes__slug", SLUG, "Has this theme (slug).")

    class Meta:
        model = Initiative
        fields: list[str] = []


class NewsFilter(django_filters.FilterSet):
    initiative = _named_filter("initiative__slug", SLUG, "About this initiative (slug).")
    country = _named_filter("countries__code", COUNTRY, "About this country (ISO code).")
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
    """django-filter's backend (400 on an invalid value); keeps the filter set on the view.

    A filter given with no value (`updated_since=`) is an error, as the schema says of
    every parameter (a value of its type), rather than the filter left out unseen."""

    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        """With the moment the view answers for (`asked_at`), if it names one."""
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        asked_at = getattr(view, "asked_at", None)
        return kwargs | {"at": asked_at} if asked_at else kwargs

    def get_filterset(self, request, queryset, view):
        view.filterset = super().get_filterset(request, queryset, view)
        if view.filterset is not None:
            empty = [
                name
                for name, values in request.query_params.lists()
                if name in view.filterset.filters and "" in values
            ]
            if empty:
                raise exceptions.ValidationError(
                    {name: ["Give a value, or leave the parameter out."] for name in empty}
                )
        return view.filterset


def _named(queryset, model, slug: str, narrow):
    """`narrow(queryset, the row of `model` with `slug`)`; no such row, no call (one query)."""
    row = model.objects.filter(slug=slug).first()
    return queryset.none() if row is None else narrow(queryset, row)
