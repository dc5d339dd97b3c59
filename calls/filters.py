"""The filters of /calls/, written once for the pages and the API.

Query parameters are part of the public interface (partners link to them):
`q`, `status` (repeatable; default open and forthcoming), `fund` (code), `programme`
(slug), `eligible` (participant type slug), `theme` (slug), `closes_after` and
`closes_before` (dates, Brussels time), `action` (type of action: a code of the EU
Funding & Tenders Portal such as AMIF-PJG, or AG/OG), `source` (`ft` for topics imported
from F&T, `portal` for calls entered here), `sort` (`closes_at`, `-opens_at`, `relevance`).
A value that is not valid is reported on the form and not applied. What `q` means is
written in calls/search.py; a call whose identifier code contains the code searched is
found whatever the status filter says.
"""

from datetime import date, datetime
from functools import cached_property

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from calls.counts import status_counts_by_programme
from calls.filter_choices import ACTION_CODES, KeptModelChoiceFilter, kept, programme_funds
from calls.models import Call, CallQuerySet, CallStatus, Source, TypeOfAction, statuses_condition
from calls.search_suggestions import search_suggestion
from calls.search_text import identifier_code
from programmes.models import Fund, ParticipantType, Programme, Theme

DEFAULT_STATUSES = [CallStatus.OPEN, CallStatus.FORTHCOMING]
# The calls found by their identifier code that are read by id (CallFilter._found_by_code):
# when more contain the code ("amif 2024"), the queries search the identifier instead.
CODE_MATCHES_READ = 200


class Sort(models.TextChoices):
    CLOSES_AT = "closes_at", _("Closing soonest")
    NEWEST = "-opens_at", _("Newest first")
    RELEVANCE = "relevance", _("Best match")


def action_choices() -> list[tuple[str, str]]:
    """The portal's own types of action, then F&T's codes in use, with their labels (one
    query, kept a minute: calls/filter_choices.py)."""
    codes = (
        Call.objects.exclude(action_code="")
        .order_by("action_code")
        .values_list("action_code", "action_label")
        .distinct()
    )
    found = dict(kept(ACTION_CODES, lambda: list(codes)))
    return [*TypeOfAction.choices, *((code, f"{code}: {label}") for code, label in found.items())]


class Select(forms.Select):
    """A list of choices written in Python, as Django's templates write it: a template
    included for each option cost the list of calls a tenth of its time."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        options = "".join(
            f'<option value="{escape(option["value"])}"'
            f"{' selected' if option['selected'] else ''}>{escape(option['label'])}</option>"
            for _, group, _ in widget["optgroups"]
            for option in group
        )
        attrs = flatatt(widget["attrs"])
        return mark_safe(f'<select name="{escape(widget["name"])}"{attrs}>{options}</select>')


class DateInput(forms.DateInput):
    """A date field written in Python, as Django's template writes it."""

    input_type = "date"

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        attrs = flatatt(widget["attrs"])
        return format_html('<input type="date" name="{}"{}{}>', widget["name"], value, attrs)


# Closing dates a search may name: beyond them, the moments that bound the search
# (00:00 Brussels the day after) cannot be written in UTC.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(9998, 12, 31)


class CallFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        for name in ("closes_after", "closes_before"):
            day = cleaned.get(name)
            if day and not EARLIEST_DAY <= day <= LATEST_DAY:
                self.add_error(name, _("Enter a date from 1900 to 9998."))
                cleaned.pop(name, None)
        after, before = cleaned.get("closes_after"), cleaned.get("closes_before")
        if after and before and after > before:
            self.add_error("closes_before", _("This date comes before the “closes after” date."))
        return cleaned


class CallFilter(django_filters.FilterSet):
    # The statuses shown when none is chosen; the API (api/filters.py) lists every status.
    default_statuses: list[str] = DEFAULT_STATUSES

    # The search, status and sort are applied last, in filter_queryset(): the status has a
    # default, the search is written with the statuses (`_searched`), the sort uses both.
    q = django_filters.CharFilter(label=_("Search"), method="applied_later")
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=CallStatus.choices,
        method="applied_later",
        widget=forms.CheckboxSelectMultiple,
    )
    fund = KeptModelChoiceFilter(
        label=_("Fund"),
        queryset=Fund.objects.all(),
        to_field_name="code",
        field_name="programme__fund",
        empty_label=_("All funds"),
        widget=Select,
    )
    programme = KeptModelChoiceFilter(
        label=_("Programme"),
        queryset=Programme.objects.all(),
        to_field_name="slug",
        empty_label=_("All programmes"),
        widget=Select,
    )
    eligible = KeptModelChoiceFilter(
        label=_("Who can apply"),
        queryset=ParticipantType.objects.all(),
        to_field_name="slug",
        field_name="eligible_participants",
        method="filter_eligible",
        empty_label=_("Anyone"),
        widget=Select,
    )
    theme = KeptModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        field_name="themes",
        method="filter_theme",
        empty_label=_("All themes"),
        widget=Select,
    )
    closes_after = django_filters.DateFilter(
        label=_("Closes on or after"), method="filter_closes_after", widget=DateInput
    )
    closes_before = django_filters.DateFilter(
        label=_("Closes on or before"), method="filter_closes_before", widget=DateInput
    )
    action = django_filters.ChoiceFilter(
        label=_("Type of action"),
        choices=action_choices,
        method="filter_action",
        empty_label=_("All types of action"),
        widget=Select,
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=Source.choices, empty_label=_("All sources"), widget=Select
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.choices,
        method="applied_later",
        empty_label=None,
        widget=Select,
    )

    class Meta:
        model = Call
        fields: list[str] = []
        form = CallFilterForm

    def __init__(self, data=None, queryset=None, *, at: datetime | None = None, **kwargs):
        self.at = at or timezone.now()
        # The public calls at `at` (not a caller's own set): calls/counts.py counts them.
        self._public_calls = queryset is None
        if queryset is None:
            queryset = Call.objects.public(at=self.at)
        super().__init__(data, queryset, **kwargs)

    def filter_eligible(self, queryset: CallQuerySet, name: str, value) -> CallQuerySet:
        return queryset.eligible_for(value)

    def filter_theme(self, queryset: CallQuerySet, name: str, value) -> CallQuerySet:
        return queryset.in_theme(value)

    def filter_action(self, queryset: CallQuerySet, name: str, value: str) -> CallQuerySet:
        return queryset.filter(models.Q(action_code=value) | models.Q(type_of_action=value))

    def filter_closes_after(self, queryset, name, value):
        return queryset.closes_between(after=value)

    def filter_closes_before(self, queryset, name, value):
        return queryset.closes_between(before=value)

    def applied_later(self, queryset, name, value):
        return queryset

    @property
    def statuses(self) -> list[str]:
        return self._cleaned("status") or self.default_statuses

    @property
    def chosen_sort(self) -> str:
        wanted = self._cleaned("sort")
        if wanted == Sort.RELEVANCE and not self._cleaned("q"):
            wanted = None
        return wanted or (Sort.RELEVANCE if self._cleaned("q") else Sort.CLOSES_AT)

    def _cleaned(self, name: str):
        """A filter's valid value, or None (an invalid value is reported, not applied)."""
        self.form.errors  # noqa: B018 - validates the form once, filling cleaned_data
        return getattr(self.form, "cleaned_data", {}).get(name)

    def filter_queryset(self, queryset: CallQuerySet) -> CallQuerySet:
        queryset = self._searched(super().filter_queryset(queryset), statuses=self.statuses)
        queryset = queryset.with_status(
            self.statuses, at=self.at, or_matching=self._identifier_matches()
        )
        return self._sorted(queryset)

    def _searched(self, queryset: CallQuerySet, *, statuses=None) -> CallQuerySet:
        """`queryset` narrowed to the calls matching the text searched, if any; those found
        by their words with one of `statuses` (calls/search.py, `within`)."""
        if not self.search_text:
            return queryset
        within = statuses_condition(statuses, self.at) if statuses else None
        return queryset.search(self.search_text, within=within, by_code=self._identifier_matches())

    @property
    def search_text(self) -> str:
        """The text searched (`q`), if valid."""
        return self._cleaned("q") or ""

    def _identifier_matches(self) -> Q | None:
        """Calls whose identifier code contains the one searched: found whatever their
        status (someone who types a code wants that call, open or not). By id when they
        are few, so that the queries of the page do not search the identifier's index."""
        code = identifier_code(self.search_text)
        if not code:
            return None
        found = self._found_by_code
        return Q(pk__in=found) if found is not None else Q(identifier__contains=code)

    @cached_property
    def _found_by_code(self) -> list[int] | None:
        """The ids of the calls whose identifier code contains the one searched, or None
        when they are more than CODE_MATCHES_READ. One query on the identifier's trigram
        index."""
        code = identifier_code(self.search_text)
        rows = self.queryset.filter(identifier__contains=code).order_by()
        found = list(rows.values_list("pk", flat=True)[: CODE_MATCHES_READ + 1])
        return found if len(found) <= CODE_MATCHES_READ else None

    def exact_identifier(self) -> str | None:
        """The identifier code of the public call that the search names exactly, if any
        (one query, on the identifier's unique index)."""
        code = identifier_code(self.search_text)
        if not code:
            return None
        return self.queryset.filter(identifier=code).values_list("identifier", flat=True).first()

    def count(self, facets: dict) -> int | None:
        """How many calls `qs` holds, from the counts of `facets()` (which count every
        filter but the status, per status), or None when they cannot tell: calls found
        by their identifier code whatever their status are not in them."""
        if self._identifier_matches() is not None:
            return None
        return sum(facets["status"][status] for status in self.statuses)

    def hidden_matches(self, facets: dict) -> list[tuple[str, int]]:
        """(status, count) for the statuses not shown that have calls matching the
        other filters, from the counts of `facets()`: what an empty list hides."""
        return [
            (status, facets["status"][status])
            for status in CallStatus.values
            if status not in self.statuses and facets["status"][status]
        ]

    def suggestion(self, facets: dict, *, found: int) -> str:
        """A better spelling of the words searched, when they find nothing at all: none of
        the `found` results, and no call of any status in `facets()`. The page and the API
        say the same."""
        found_elsewhere = any(facets["status"][status] for status in CallStatus.values)
        if not self.search_text or found or found_elsewhere:
            return ""
        return search_suggestion(self.queryset, self.search_text)

    def _sorted(self, queryset: CallQuerySet) -> CallQuerySet:
        by_closing = queryset.order_by_closing(at=self.at)
        if self.chosen_sort == Sort.NEWEST:
            return queryset.order_by("-opens_at", "identifier")
        if self.chosen_sort == Sort.RELEVANCE:
            return by_closing.order_by("-relevance", *by_closing.query.order_by)
        return by_closing

    def _filtered_except(self, *excluded: str) -> CallQuerySet:
        """The calls that every filter but the `excluded` ones lets through (for counts)."""
        queryset = self.queryset.all()
        for name, flt in self.filters.items():
            value = self._cleaned(name)
            if name not in excluded and value not in (None, "", []):
                queryset = flt.filter(queryset, value)
        return queryset if "q" in excluded else self._searched(queryset)

    # Filters that the counts per programme of calls/counts.py can answer: the status and
    # fund are left out of the counts anyway, and the programme picks a row.
    TALLIED_FILTERS = ("status", "fund", "programme", "sort")

    def _programme_rows(self) -> list[dict]:
        """Counts per programme and status of the calls every filter but the status and
        fund lets through, each with its fund's code.

        Two queries. Without other filters, from the counts kept per programme (nothing
        read grows with the closed calls); else one scan of the filtered calls.
        """
        narrowed = any(
            self._cleaned(name) not in (None, "", [])
            for name in self.filters
            if name not in self.TALLIED_FILTERS
        )
        programme = self._cleaned("programme")  # a Programme on the page, a slug in the API
        if self._public_calls and not narrowed and not isinstance(programme, str):
            rows = status_counts_by_programme(at=self.at)
            return [row for row in rows if programme is None or row["programme"] == programme.pk]
        rows = self._filtered_except("status", "fund").status_counts(at=self.at, by="programme")
        fund_of = programme_funds({row["programme"] for row in rows})
        return [{**row, "fund": fund_of[row["programme"]]} for row in rows]

    def facets(self) -> dict:
        """Counts for the filters: per status and closing soon (with every filter but the
        status), and per fund (with every filter but the fund). Two queries."""
        chosen_fund = self._cleaned("fund")  # a Fund on the page, a code in the API
        chosen_fund = getattr(chosen_fund, "code", chosen_fund)
        by_status = dict.fromkeys([*CallStatus.values, "closing_within_7", "closing_within_30"], 0)
        by_fund: dict[str, int] = {}
        for row in self._programme_rows():
            fund = row["fund"]
            if not chosen_fund or fund == chosen_fund:
                for key in by_status:
                    by_status[key] += row[key]
            # Statuses do not overlap: a fund's calls with the chosen statuses are the sum
            # of its counts for those statuses.
            in_statuses = sum(row[status] for status in self.statuses)
            if in_statuses:
                by_fund[fund] = by_fund.get(fund, 0) + in_statuses
        return {"status": by_status, "fund": dict(sorted(by_fund.items()))}
