"""Calls for proposals, their deadlines, and the rule that gives a call its status.

The status (forthcoming, open, closed) is never stored: it follows from the
opening time and the deadlines at a given moment. `Call.status_at()` computes it
in Python from the call's deadlines (`status_from`) and `CallQuerySet` computes the same rule in
SQL; both are tested on one table of cases (tests/calls/test_status.py).

A deadline is the moment submission closes: a call is open from `opens_at`
(inclusive) until its last deadline (exclusive).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import global_settings, settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from calls.search import SEARCH_CONFIG, SearchFold, search_calls
from foundation.brussels import brussels_time, opening_on
from programmes.models import OrderedText, ParticipantType, Programme, Theme
from programmes.validators import (
    IDENTIFIER_PATTERN,
    validate_call_identifier,
    validate_line_characters,
    validate_text_characters,
)

DEADLINE_BEFORE_OPENING = _("A deadline must come after the call opens.")

# What one call may hold (docs/architecture.md, "Caps"): a call's deadlines and objectives
# are read with every list of calls, so their number and size bound what a list costs.
MAX_DEADLINES = 20
MAX_OBJECTIVES = 30
MAX_SUMMARY_LENGTH = 2_000
MAX_DESCRIPTION_LENGTH = 30_000
MAX_NATIONAL_NOTE_LENGTH = 5_000
MAX_OBJECTIVE_LENGTH = 1_000
MAX_REASON_LENGTH = 2_000


def _text_field(label, *, max_length: int, **kwargs) -> models.TextField:
    """A long text of at most `max_length` characters and free of control characters.

    A validator, not the field's `max_length`: that one would only size a form field, and
    changing it rebuilds the table on SQLite, which drops the deadline triggers."""
    validators = [MaxLengthValidator(max_length), validate_text_characters]
    return models.TextField(label, validators=validators, **kwargs)


class CallStatus(models.TextChoices):
    FORTHCOMING = "forthcoming", _("Forthcoming")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class TypeOfAction(models.TextChoices):
    ACTION_GRANT = "AG", _("Action grant")
    OPERATING_GRANT = "OG", _("Operating grant")


class Source(models.TextChoices):
    """Where a call's data comes from, and so who may change it."""

    PORTAL = "portal", _("Entered in the portal")
    FT = "ft", _("EU Funding & Tenders Portal")


class DeadlineModel(models.TextChoices):
    SINGLE_STAGE = "single-stage", _("Single-stage")
    TWO_STAGE = "two-stage", _("Two-stage")
    MULTIPLE_CUT_OFF = "multiple cut-off", _("Multiple cut-off")


# The fields the EU Funding & Tenders Portal gives for a topic: on an imported call the
# sync writes them and nobody else may (calls/services.py). What an NCP adds to an
# imported topic (`national_note`, `contact_points`) is never among them.
FT_OWNED_FIELDS = (
    "code",
    "identifier",
    "parent_identifier",
    "title",
    "summary",
    "description",
    "description_html",
    "programme",
    "budget",
    "opens_at",
    "action_code",
    "action_label",
    "deadline_model",
    "budget_by_year",
    "budget_is_shared",
    "expected_grants",
    "min_contribution",
    "max_contribution",
    "keywords",
    "official_url",
    "apply_url",
)


class ParentCall(models.Model):
    """A call that groups topics (F&T's `callIdentifier` and `callTitle`).

    Topics name it by identifier (`Call.parent_identifier`), as the seed calls always
    have; a row here adds what the source says of the call itself. A parent without a
    row still has a page, titled by its identifier.
    """

    identifier = models.CharField(
        _("identifier code"), max_length=100, unique=True, validators=[validate_call_identifier]
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.PORTAL)
    ft_ccm2_id = models.CharField(_("F&T call id (callccm2Id)"), max_length=20, blank=True)

    class Meta:
        ordering = ["identifier"]
        verbose_name = _("call of topics")
        verbose_name_plural = _("calls of topics")

    def __str__(self) -> str:
        return f"{self.identifier}: {self.title}" if self.title else self.identifier

    def get_absolute_url(self) -> str:
        return reverse("parent_call_detail", args=[self.identifier])


class SearchDocument(SearchVector):
    """The weighted text a call is found by: a tsvector on PostgreSQL, NULL elsewhere
    (SQLite has its FTS5 table, calls/search_index.py).

    Used as a stored generated column (`Call.search_document`) with a GIN index, so
    a search reads an index instead of parsing 50,000 descriptions. The identifier and
    title weigh most, then the summary, then the description; the text is folded
    (accents, look-alike letters) as the search folds the words typed (calls/search.py).
    """

    def __init__(self):
        super().__init__(Value(""), config=SEARCH_CONFIG)

    def as_sql(self, compiler, connection, **extra):
        vector = (
            SearchVector(
                SearchFold("identifier"), SearchFold("title"), config=SEARCH_CONFIG, weight="A"
            )
            + SearchVector(SearchFold("summary"), config=SEARCH_CONFIG, weight="B")
            + SearchVector(SearchFold("description"), config=SEARCH_CONFIG, weight="C")
        )
        return compiler.compile(vector.resolve_expression(compiler.query))

    def as_sqlite(self, compiler, connection, **extra):
        return "NULL", []


def _deadlines_after(at: datetime):
    return Deadline.objects.filter(call=OuterRef("pk"), due_at__gt=at)


def status_condition(status: str, at: datetime) -> Q:
    """The SQL form of `Call.status_at()` for one status.

    "A deadline after `at` exists" reads as "submission ends after `at`", from the
    column the database keeps. As opens_at <= submission_ends_at, the statuses split
    the time line: before opening, until the end, after the end; a cancellation
    overrides them from the moment it was made.
    """
    not_cancelled = Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=at)
    match status:
        case CallStatus.FORTHCOMING:
            return Q(opens_at__gt=at) & not_cancelled
        case CallStatus.OPEN:
            return Q(opens_at__lte=at, submission_ends_at__gt=at) & not_cancelled
        case CallStatus.CLOSED:
            return Q(submission_ends_at__lte=at) & not_cancelled
        case CallStatus.CANCELLED:
            return Q(cancelled_at__lte=at)
    raise ValueError(f"Unknown call status: {status!r}")


def statuses_condition(statuses, at: datetime) -> Q:
    """Calls with any of `statuses`: one range on an indexed column where it can be."""
    wanted = {CallStatus(status) for status in statuses}
    not_cancelled = Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=at)
    if wanted == {CallStatus.OPEN, CallStatus.FORTHCOMING}:
        return Q(submission_ends_at__gt=at) & not_cancelled
    if wanted == set(CallStatus):
        return Q()
    condition = Q(pk__in=[])
    for status in wanted:
        condition |= status_condition(status, at)
    return condition


def closing_within_condition(days: int, at: datetime) -> Q:
    """Open calls with a deadline from `at` to `days` days later. An open call with one
    deadline has it at `submission_ends_at`: only calls with several read their deadlines."""
    until = at + timedelta(days=days)
    due_soon = _deadlines_after(at).filter(due_at__lte=until)
    next_is_soon = Q(deadline_count=1, submission_ends_at__lte=until) | Q(
        Q(deadline_count__gt=1) & Exists(due_soon)
    )
    return status_condition(CallStatus.OPEN, at) & next_is_soon


def status_from(
    at: datetime, *, opens_at: datetime, cancelled_at: datetime | None, dues: Iterable[datetime]
) -> CallStatus:
    """The Python form of the status rule, from a call's values and its deadlines' `due_at`
    (read only when the rule needs them); `CallQuerySet.with_status` is the SQL form.
    `Call.status_at` applies it to a call; the API's list, to the values of its page."""
    if cancelled_at is not None and cancelled_at <= at:
        return CallStatus.CANCELLED
    if at < opens_at:
        return CallStatus.FORTHCOMING
    if any(due > at for due in dues):
        return CallStatus.OPEN
    return CallStatus.CLOSED


def closes_from(at: datetime, dues: list[datetime]) -> datetime | None:
    """When a call closes, from its deadlines' `due_at` in order: the next one after
    `at`, or the last once all have passed. `Call.closes_at` applies it to a call; the
    API, to the deadlines of a call's values."""
    return next((due for due in dues if due > at), dues[-1] if dues else None)


def _own_or_programmes(relation, target: str, value) -> Q:
    """Calls with `value` in their own many-to-many `relation`, or with none of their own
    and `value` in the programme's relation of the same name. Subqueries, not joins, so
    that a call is listed once."""
    own = relation.through.objects.filter(call=OuterRef("pk"))
    programmes = getattr(Programme, relation.field.name).through.objects.filter(
        programme=OuterRef("programme_id"), **{target: value}
    )
    return Q(Exists(own.filter(**{target: value}))) | (~Q(Exists(own)) & Q(Exists(programmes)))


class CallQuerySet(models.QuerySet):
    def editable_by(self, user) -> "CallQuerySet":
        """The calls `user` may edit: superusers all; an NCP those of the programmes of
        the contact points they belong to. The rule of calls/permissions.py, in SQL."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(programme__in=Programme.objects.managed_by(user))

    def public(self, *, at: datetime | None = None) -> "CallQuerySet":
        """Calls published by `at` (default: now): drafts and scheduled calls are hidden."""
        return self.filter(published_at__lte=at or timezone.now())

    def drafts(self) -> "CallQuerySet":
        """Calls with no publication moment: seen only by their editors."""
        return self.filter(published_at__isnull=True)

    def scheduled(self, *, at: datetime | None = None) -> "CallQuerySet":
        """Calls whose publication is set for a moment after `at` (default: now)."""
        return self.filter(published_at__gt=at or timezone.now())

    def forthcoming(self, *, at: datetime | None = None) -> "CallQuerySet":
        return self.with_status([CallStatus.FORTHCOMING], at=at)

    def open(self, *, at: datetime | None = None) -> "CallQuerySet":
        return self.with_status([CallStatus.OPEN], at=at)

    def closed(self, *, at: datetime | None = None) -> "CallQuerySet":
        return self.with_status([CallStatus.CLOSED], at=at)

    def with_status(
        self, statuses, *, at: datetime | None = None, or_matching: Q | None = None
    ) -> "CallQuerySet":
        """Calls whose status at `at` (default: now) is any of `statuses`, or that match
        `or_matching` whatever their status."""
        condition = statuses_condition(statuses, at or timezone.now())
        if condition and or_matching is not None:
            condition |= or_matching
        return self.filter(condition)

    def submission_ahead(self, *, at: datetime | None = None) -> "CallQuerySet":
        """Calls whose submission has not ended at `at`: open, forthcoming, or cancelled
        before their end (the first part of `order_by_closing`). A range on an index."""
        return self.filter(submission_ends_at__gt=at or timezone.now())

    def submission_ended(self, *, at: datetime | None = None) -> "CallQuerySet":
        """The others: closed, or cancelled after their end (the last part)."""
        return self.filter(submission_ends_at__lte=at or timezone.now())

    def closing_within(self, days: int, *, at: datetime | None = None) -> "CallQuerySet":
        """Open calls with a deadline in the next `days` days after `at`."""
        at = at or timezone.now()
        return self.filter(closing_within_condition(days, at))

    def status_counts(self, *, at: datetime | None = None, by: str | None = None):
        """How many calls have each status at `at`, and how many close within 7 and 30 days.

        One query. With `by` (a field path), one row of counts per value of that field.
        """
        at = at or timezone.now()
        counts = {
            status.value: Count("pk", filter=status_condition(status, at)) for status in CallStatus
        }
        for days in (7, 30):
            counts[f"closing_within_{days}"] = Count(
                "pk", filter=closing_within_condition(days, at)
            )
        if by:
            return self.order_by().values(by).annotate(**counts)
        return self.order_by().aggregate(**counts)

    def order_by_closing(self, *, at: datetime | None = None) -> "CallQuerySet":
        """Soonest next deadline first; closed calls last, the latest closed first.

        Only calls with several deadlines need a subquery for their next one.
        """
        at = at or timezone.now()
        next_of_several = Subquery(_deadlines_after(at).order_by("due_at").values("due_at")[:1])
        still_open = Q(submission_ends_at__gt=at)
        return self.alias(
            closed=Case(When(still_open, then=Value(0)), default=Value(1)),
            next_due_at=Case(
                When(still_open & Q(deadline_count__gt=1), then=next_of_several),
                When(still_open & Q(deadline_count=1), then=models.F("submission_ends_at")),
                default=None,
            ),
        ).order_by(
            "closed",
            models.F("next_due_at").asc(nulls_last=True),
            models.F("submission_ends_at").desc(nulls_last=True),
            "identifier",
        )

    def search(
        self, text: str, *, within: Q | None = None, by_code: Q | None = None
    ) -> "CallQuerySet":
        """Calls matching `text`, annotated with `relevance` (higher first): the one
        search of calls (calls/search.py). Never fails, whatever `text` holds. `within`:
        a condition the calls found by their words must meet, not those found by their
        identifier code; `by_code`: those calls, if known already."""
        return search_calls(self, text, within=within, by_code=by_code)

    def closes_between(self, after=None, before=None) -> "CallQuerySet":
        """Calls with a deadline on or after the date `after` and on or before `before`.

        Dates are days in Brussels time.
        """
        deadlines = Deadline.objects.filter(call=OuterRef("pk"))
        if after:
            deadlines = deadlines.filter(due_at__gte=opening_on(after))
        if before:
            deadlines = deadlines.filter(due_at__lt=opening_on(before + timedelta(days=1)))
        return self.filter(Exists(deadlines))

    def eligible_for(self, participant_type: ParticipantType) -> "CallQuerySet":
        """Calls `participant_type` may apply to: named on the call, or, for a call that
        names none, on its programme (the call's list overrides the programme's)."""
        return self.filter(
            _own_or_programmes(Call.eligible_participants, "participanttype", participant_type)
        )

    def in_theme(self, theme: Theme) -> "CallQuerySet":
        """Calls of `theme`: the call's own themes, or its programme's when it has none."""
        return self.filter(_own_or_programmes(Call.themes, "theme", theme))

    def for_listing(self, *, programme_known: bool = False) -> "CallQuerySet":
        """What a list of calls shows, in a fixed number of queries; without the wide
        columns no list shows (the search document, the F&T description's HTML).
        `programme_known`: the calls are read through a programme's `calls`, which sets
        that programme (and the fund read with it) on each: they are not joined again."""
        calls = self.prefetch_related("deadlines").defer("search_document", "description_html")
        return calls if programme_known else calls.select_related("programme__fund")

    def listed_first(self, length: int) -> list["Call"]:
        """The first `length` calls in this order, as `for_listing` reads them.

        Found in two steps, the ids (ordered on narrow indexed columns) and then those
        rows, so that sorting reads no wide row. Three queries (ids, calls, deadlines).
        """
        ids = list(self.values_list("pk", flat=True)[:length])
        by_id = Call.objects.for_listing().in_bulk(ids)
        return [by_id[pk] for pk in ids]


class Call(models.Model):
    """A call for proposals, or one topic of a call."""

    # National calls have no source portal, hence no code.
    code = models.PositiveIntegerField(
        _("code"),
        unique=True,
        null=True,
        blank=True,
        help_text=_("The numeric id the call has in its source portal, if it has one."),
    )
    identifier = models.CharField(
        _("identifier code"),
        max_length=100,
        unique=True,
        validators=[validate_call_identifier],
        error_messages={"unique": _("A call with this identifier code already exists.")},
    )
    parent_identifier = models.CharField(
        _("parent call identifier"),
        max_length=100,
        blank=True,
        validators=[validate_call_identifier],
        help_text=_("For a topic, the identifier of the call it belongs to."),
    )
    title = models.CharField(_("title"), max_length=300, validators=[validate_line_characters])
    summary = _text_field(_("summary"), max_length=MAX_SUMMARY_LENGTH, blank=True)
    description = _text_field(
        _("description"),
        max_length=MAX_DESCRIPTION_LENGTH,
        blank=True,
        help_text=_("Paragraphs separated by a blank line; lines starting with '- ' are bullets."),
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="calls",
        db_index=False,  # led by call_programme_schedule (Meta.indexes)
    )
    type_of_action = models.CharField(
        _("type of action"), max_length=10, choices=TypeOfAction, blank=True
    )
    budget = models.DecimalField(
        _("budget (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    opens_at = models.DateTimeField(_("opening of submission"))
    # Who can apply: empty means "as the programme says" (Call.applicants(), the filters).
    eligible_participants = models.ManyToManyField(
        ParticipantType,
        verbose_name=_("eligible participant types"),
        blank=True,
        related_name="calls",
        help_text=_("Leave empty when the programme's list applies."),
    )
    eligible_countries = CountryField(
        _("eligible countries"),
        multiple=True,
        blank=True,
        help_text=_("Countries where applicants must be established; empty: not restricted."),
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("thematic categories"),
        blank=True,
        related_name="calls",
        help_text=_("Leave empty when the programme's categories apply."),
    )
    published_at = models.DateTimeField(
        _("publication"),
        null=True,
        blank=True,
        help_text=_("Empty: a draft, seen only by its editors. A future moment schedules it."),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)
    cancellation_reason = _text_field(
        _("reason for cancellation"), max_length=MAX_REASON_LENGTH, blank=True, editable=False
    )
    # Optimistic locking: every saved edit increments it; an edit based on an older
    # version is refused (calls/services.py).
    version = models.PositiveIntegerField(default=1, editable=False)
    # Kept by database triggers from the deadlines (calls/triggers.py); never written
    # by the application. The end of submission is the last deadline, or the opening
    # for a call without deadlines, so opens_at <= submission_ends_at always; it makes
    # the status a comparison of indexed columns in SQL.
    submission_ends_at = models.DateTimeField(null=True, editable=False)
    deadline_count = models.PositiveSmallIntegerField(default=0, editable=False)
    # Kept by database triggers too (calls/own_lists.py): whether the call has eligible
    # participant types and themes of its own, so that a query reads only the list that
    # applies, its own or its programme's (api.call_representation).
    has_own_participant_types = models.BooleanField(default=False, editable=False)
    has_own_themes = models.BooleanField(default=False, editable=False)
    search_document = models.GeneratedField(
        expression=SearchDocument(), output_field=SearchVectorField(null=True), db_persist=True
    )
    # What the EU Funding & Tenders Portal (F&T) says of a topic, beside the above.
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.PORTAL)
    action_code = models.CharField(
        _("type of action (code)"), max_length=60, blank=True, help_text=_("e.g. AMIF-PJG")
    )
    action_label = models.CharField(_("type of action"), max_length=200, blank=True)
    deadline_model = models.CharField(
        _("deadline model"), max_length=20, choices=DeadlineModel, blank=True
    )
    budget_by_year = models.JSONField(
        _("budget per year"),
        default=dict,
        blank=True,
        help_text=_('EUR per year, e.g. {"2026": "4000000.00"}; the total is the budget.'),
    )
    budget_is_shared = models.BooleanField(
        _("budget shared with the call's other topics"), default=False
    )
    expected_grants = models.PositiveIntegerField(
        _("expected number of grants"), null=True, blank=True
    )
    min_contribution = models.DecimalField(
        _("minimum EU contribution per grant (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
    )
    max_contribution = models.DecimalField(
        _("maximum EU contribution per grant (EUR)"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
    )
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    official_url = models.URLField(_("official page"), max_length=500, blank=True)
    apply_url = models.URLField(_("where to apply"), max_length=500, blank=True)
    description_html = models.TextField(
        _("description (HTML)"),
        blank=True,
        help_text=_("Sanitised through an allow-list when written (calls/ft/html.py)."),
    )
    ft_ccm2_id = models.CharField(_("F&T topic id (ccm2Id)"), max_length=20, blank=True)
    ft_call_ccm2_id = models.CharField(_("F&T call id (callccm2Id)"), max_length=20, blank=True)
    ft_reference = models.CharField(_("F&T reference"), max_length=80, blank=True)
    ft_status = models.CharField(
        _("status in F&T (a hint only)"),
        max_length=20,
        choices=CallStatus,
        blank=True,
        help_text=_(
            "The source's own status, which can be stale; the status shown follows the dates."
        ),
    )
    ft_last_seen_at = models.DateTimeField(
        _("last seen in F&T"),
        null=True,
        blank=True,
        help_text=_(
            "When the import last found the topic new or changed; one not marked missing "
            "was also in the latest complete sync."
        ),
    )
    ft_missing_since = models.DateTimeField(
        _("missing from F&T since"),
        null=True,
        blank=True,
        help_text=_("Set when a full sync no longer finds the topic; it is kept, not deleted."),
    )
    # A digest of the record as last imported: an unchanged record is not written again.
    ft_checksum = models.CharField(max_length=64, blank=True, editable=False)
    # What an NCP adds to a topic, imported or not; the sync never writes these.
    national_note = _text_field(
        _("national note"),
        max_length=MAX_NATIONAL_NOTE_LENGTH,
        blank=True,
        help_text=_("What applicants of your country should know, shown with the call."),
    )
    contact_points = models.ManyToManyField(
        "programmes.ContactPoint",
        verbose_name=_("national contact points"),
        blank=True,
        related_name="calls",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = CallQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=[
            "search_document",
            "submission_ends_at",
            "deadline_count",
            "has_own_participant_types",
            "has_own_themes",
            "ft_checksum",
            "ft_last_seen_at",
        ]
    )

    class Meta:
        ordering = ["-opens_at", "identifier"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        indexes = [
            GinIndex(fields=["search_document"], name="call_search_document"),
            models.Index(fields=["opens_at"], name="call_opens_at"),
            # Narrow and covering: counting calls by status, fund and closing date, and
            # ordering a list by deadline, read this index instead of the wide rows.
            models.Index(
                fields=["submission_ends_at", "opens_at"],
                include=[
                    "id",
                    "programme",
                    "deadline_count",
                    "identifier",
                    "cancelled_at",
                    "published_at",
                ],
                name="call_schedule",
            ),
            # A programme's calls, and the counts per programme and status, in index order.
            models.Index(
                fields=["programme", "submission_ends_at", "opens_at"],
                include=["id", "cancelled_at", "published_at"],
                name="call_programme_schedule",
            ),
            # What is about to be published (scheduled) and what was cancelled: few rows,
            # counted beside the tally of each programme (calls/counts.py); the cancelled
            # ones, a small share of the archive, from the index alone.
            models.Index(fields=["published_at"], name="call_published_at"),
            models.Index(
                fields=["cancelled_at"],
                include=[
                    "id",
                    "programme",
                    "published_at",
                    "submission_ends_at",
                    "opens_at",
                    "deadline_count",
                ],
                condition=Q(cancelled_at__isnull=False),
                name="call_cancelled_at",
            ),
            # A programme's newest calls (related calls of a call page), in index order.
            models.Index(
                "programme", models.F("opens_at").desc(), "identifier", name="call_programme_newest"
            ),
            # The other topics of a topic's call.
            models.Index(
                fields=["parent_identifier", "identifier"],
                condition=~Q(parent_identifier=""),
                name="call_parent_identifier",
            ),
            # The F&T types of action in use (calls.filters.action_choices, on every
            # /calls/ page): read from this small index, not from every wide row.
            models.Index(
                fields=["action_code", "action_label"],
                condition=~Q(action_code=""),
                name="call_action",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(identifier__regex=IDENTIFIER_PATTERN),
                name="call_identifier_format",
                violation_error_message=validate_call_identifier.message,
            ),
            models.CheckConstraint(
                condition=Q(parent_identifier="") | Q(parent_identifier__regex=IDENTIFIER_PATTERN),
                name="call_parent_identifier_format",
                violation_error_message=validate_call_identifier.message,
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="call_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(min_contribution__isnull=True)
                | Q(max_contribution__isnull=True)
                | Q(min_contribution__lte=models.F("max_contribution")),
                name="call_contribution_range",
                violation_error_message=_(
                    "The minimum contribution cannot exceed the maximum contribution."
                ),
            ),
            # Cascade calls share an identifier in F&T; their reference is their key.
            models.UniqueConstraint(
                fields=["ft_reference"],
                condition=~Q(ft_reference=""),
                name="unique_call_ft_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identifier}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("call_detail", args=[self.identifier])

    def clean(self) -> None:
        if self.source == Source.FT:
            return  # F&T's identifiers and parents are taken as F&T gives them
        errors = {}
        prefix = self.programme.fund.call_prefix if self.programme_id else ""
        if prefix and self.identifier and not self.identifier.startswith(f"{prefix}-"):
            errors["identifier"] = _("The identifier code must start with %(prefix)s-.") % {
                "prefix": prefix
            }
        parent = self.parent_identifier
        if parent and self.identifier and not self.identifier.startswith(f"{parent}-"):
            errors["parent_identifier"] = _(
                "A topic's identifier code starts with its parent call's identifier code."
            )
        if errors:
            raise ValidationError(errors)

    def related_calls(self, length: int, *, at: datetime | None = None) -> CallQuerySet:
        """At most `length` public calls: other topics of the same call first, then other
        calls of the same programme, newest first.

        Each part is picked in index order (`call_parent_identifier`,
        `call_programme_newest`) and cut at `length` before the two are sorted together,
        so a programme of many thousands of calls costs no more than one of ten. The
        parts' ids are read first (two queries): asked as two subqueries joined by OR,
        PostgreSQL reads every call to test them.
        """
        others = Call.objects.public(at=at).filter(programme_id=self.programme_id)
        others = others.exclude(pk=self.pk).order_by("-opens_at", "identifier")
        if not self.parent_identifier:
            return others.annotate(sibling_order=Value(1))[:length]
        siblings = others.filter(parent_identifier=self.parent_identifier)
        cousins = others.exclude(parent_identifier=self.parent_identifier)
        chosen = [
            *siblings.values_list("pk", flat=True)[:length],
            *cousins.values_list("pk", flat=True)[:length],
        ]
        same_parent = Q(parent_identifier=self.parent_identifier)
        return (
            Call.objects.filter(pk__in=chosen)
            .annotate(sibling_order=Case(When(same_parent, then=Value(0)), default=Value(1)))
            .order_by("sibling_order", "-opens_at", "identifier")[:length]
        )

    def applicants(self) -> list[ParticipantType]:
        """Who can apply: the call's own participant types, else the programme's, as the
        call's flag says (read with the call; prefetch `eligibility_lists()` to read them
        without a query)."""
        owner = self if self.has_own_participant_types else self.programme
        return list(owner.eligible_participants.all())

    def theme_list(self) -> list[Theme]:
        """The call's thematic categories, else the programme's, as the call's flag says."""
        owner = self if self.has_own_themes else self.programme
        return list(owner.themes.all())

    def eligibility_lists(self) -> list[str]:
        """The relations that `applicants` and `theme_list` read: one each, the call's or
        its programme's (the flags kept by calls/own_lists.py say which)."""
        return [
            "eligible_participants"
            if self.has_own_participant_types
            else "programme__eligible_participants",
            "themes" if self.has_own_themes else "programme__themes",
        ]

    @property
    def is_imported(self) -> bool:
        return self.source == Source.FT

    @property
    def budget_years(self) -> list[tuple[str, Decimal]]:
        """The budget per year, in year order, as (year, EUR)."""
        return [(year, Decimal(amount)) for year, amount in sorted(self.budget_by_year.items())]

    def topics(self) -> CallQuerySet:
        """The other topics of this topic's call (none for a call without a parent)."""
        if not self.parent_identifier:
            return Call.objects.none()
        return Call.objects.filter(parent_identifier=self.parent_identifier).exclude(pk=self.pk)

    # Deadlines are read through `self.deadlines.all()`, so a prefetch serves them.

    def status_at(self, at: datetime) -> CallStatus:
        """The Python form of the status rule (`status_from`) for this call."""
        dues = (deadline.due_at for deadline in self.deadlines.all())  # read only if needed
        return status_from(at, opens_at=self.opens_at, cancelled_at=self.cancelled_at, dues=dues)

    @property
    def status(self) -> CallStatus:
        return self.status_at(timezone.now())

    def is_public_at(self, at: datetime) -> bool:
        """The Python form of `CallQuerySet.public()`."""
        return self.published_at is not None and self.published_at <= at

    def changes_by_itself_after(self, at: datetime) -> datetime | None:
        """The next moment after `at` when what the call's page says changes with no edit:
        its opening, or a deadline passing (status, next deadline). Caches keep the page
        no longer (portal/http_cache.py)."""
        moments = [self.opens_at, *(deadline.due_at for deadline in self.deadlines.all())]
        return min((moment for moment in moments if moment > at), default=None)

    def deadline_after(self, at: datetime) -> "Deadline | None":
        """The next deadline after `at`, if any."""
        return next((d for d in self.deadlines.all() if d.due_at > at), None)

    @property
    def final_deadline(self) -> "Deadline | None":
        deadlines = list(self.deadlines.all())
        return deadlines[-1] if deadlines else None

    @property
    def closes_at(self) -> datetime | None:
        """The next deadline, or the last one once the call has closed."""
        return closes_from(timezone.now(), [deadline.due_at for deadline in self.deadlines.all()])


class ProgrammeCallTally(models.Model):
    """How many calls of a programme have a publication moment (published, or scheduled).

    Kept by database triggers on calls_call (calls/triggers.py, migration 0012); the
    application never writes it. The closed calls, nearly all of them, are this number
    less the few live, scheduled and cancelled ones (calls/counts.py), so counting them
    does not read the archive.
    """

    programme = models.OneToOneField(
        Programme, primary_key=True, on_delete=models.CASCADE, related_name="call_tally"
    )
    published = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.published}"


class Deadline(models.Model):
    """One submission deadline of a call: single-stage calls have one, others several."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="deadlines")
    due_at = models.DateTimeField(_("deadline"))
    label = models.CharField(
        _("label"),
        max_length=100,
        blank=True,
        validators=[validate_line_characters],
        help_text=_("e.g. First stage, Cut-off 2"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at"]
        # "Which calls still have a deadline to come" starts from the deadlines.
        indexes = [models.Index(fields=["due_at"], name="deadline_due_at")]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            # Also serves the "next deadline of this call" subqueries as an index.
            models.UniqueConstraint(
                fields=["call", "due_at"],
                name="unique_call_deadline",
                violation_error_message=_("This call already has a deadline at that time."),
            ),
        ]
        # "Every deadline after the opening" spans two tables, so a CHECK cannot
        # express it: triggers enforce it (migration 0002), and clean() explains it.

    def __str__(self) -> str:
        return brussels_time(self.due_at, "Y-m-d H:i T")

    def clean(self) -> None:
        if self.call_id and self.due_at and self.due_at <= self.call.opens_at:
            raise ValidationError({"due_at": DEADLINE_BEFORE_OPENING})


class CallObjective(OrderedText):
    """A specific objective a call's proposals should address."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField(
        _("text"),
        validators=[MaxLengthValidator(MAX_OBJECTIVE_LENGTH), validate_line_characters],
    )

    history = HistoricalRecords()

    class Meta(OrderedText.Meta):
        verbose_name = _("specific objective")
        verbose_name_plural = _("specific objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "position"], name="unique_call_objective_position"
            )
        ]


# The EU's official languages, named as Django names them (and translates them in
# templates with `language_name_translated`).
EU_LANGUAGES = [
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "it",
    "lt",
    "lv",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sv",
]
DOCUMENT_LANGUAGES = [
    (code, name) for code, name in global_settings.LANGUAGES if code in EU_LANGUAGES
]


class CallDocument(models.Model):
    """A document applicants need (the call text, a guide, a template), as a link."""

    class Kind(models.TextChoices):
        CALL_TEXT = "call-text", _("Call document")
        GUIDE = "guide", _("Guide for applicants")
        TEMPLATE = "template", _("Template or form")
        FAQ = "faq", _("Questions and answers")
        OTHER = "other", _("Other document")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("address (URL)"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CALL_TEXT)
    language = models.CharField(
        _("language"), max_length=8, choices=DOCUMENT_LANGUAGES, default="en"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


class CallChange(models.Model):
    """A change to a call that applicants must know about, shown on its public page.

    Written by calls/services.py with the change itself; the full field-by-field
    trail is the call's history (django-simple-history).
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Published")
        DEADLINE_MOVED = "deadline-moved", _("Deadline moved")
        DEADLINE_ADDED = "deadline-added", _("Deadline added")
        DEADLINE_REMOVED = "deadline-removed", _("Deadline removed")
        CANCELLED = "cancelled", _("Cancelled")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    made_at = models.DateTimeField(_("made"), default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("made by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    old_due_at = models.DateTimeField(_("old deadline"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("new deadline"), null=True, blank=True)
    reason = _text_field(_("reason"), max_length=MAX_REASON_LENGTH, blank=True)

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("change to a call")
        verbose_name_plural = _("changes to calls")
        indexes = [models.Index(fields=["call", "-made_at"], name="call_change_call_made_at")]

    def __str__(self) -> str:
        return f"{self.call.identifier}: {self.get_kind_display()}"


class ImportRun(models.Model):
    """One import from the EU Funding & Tenders Portal (`manage.py import_ft`, or the sync
    task): what it read and did, for the admin."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        PARTIAL = "partial", _("Finished, source read in part")
        FAILED = "failed", _("Failed: nothing could be read")

    source = models.CharField(_("source"), max_length=500)
    all_programmes = models.BooleanField(_("all programmes"), default=False)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome, default=Outcome.RUNNING
    )
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    withdrawn = models.PositiveIntegerField(_("marked as gone from the source"), default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import from F&T")
        verbose_name_plural = _("imports from F&T")

    def __str__(self) -> str:
        return f"{self.source} ({self.started_at:%Y-%m-%d %H:%M})"
