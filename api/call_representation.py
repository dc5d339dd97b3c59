"""A call as the API shows it, in every answer: a page of the list (JSON), the list as
CSV, one call (JSON or CSV), the answer to a write, a webhook's body and the extracts.

The contract: the calls of any answer are read by one query, one row per call
(`with_representation`): the call's own columns, its programme's slug and its fund's
code (joined), and its deadlines, objectives, eligible participants and themes (its
own or its programme's, whichever applies: the call's flags, kept by calls/own_lists.py,
say which) as JSON lists in the same row (foundation.json_lists.JSONList).
No model instance is made. `Representation(at)` then writes each row as the dict the
API sends, with no further query: the status and the next deadline at the moment `at`
(`calls.models.status_from` and `closes_from`, the rules of `Call.status_at`), dates as
DRF's DateTimeField writes them and amounts as its DecimalField does
(tests/api/test_calls.py holds them equal). So a page, one call, a batch of the CSV
(`BATCH` calls) and a write's answer are one query each.

`api.serializers.CallSerializer` declares the same fields for the OpenAPI schema (a
test keeps the two equal). The list compiles its page query once per question and
keeps it (api.call_pages); the rows it reads are the same.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Context, Decimal
from functools import cache
from itertools import batched

from django.db.models import Case, F, JSONField, QuerySet, When
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, CallObjective, Deadline, closes_from, status_from
from foundation.json_lists import JSONList
from foundation.site import absolute_url
from programmes.models import ParticipantType, Theme

# The topic's columns written as they are stored.
TOPIC_TEXTS = (
    "source",
    "action_code",
    "action_label",
    "deadline_model",
    "budget_is_shared",
    "keywords",
    "official_url",
    "apply_url",
    "description_html",
    "national_note",
    "ft_ccm2_id",
    "ft_call_ccm2_id",
    "ft_reference",
    "ft_status",
)
# The call's own columns a row holds: what the representation shows, and the columns a
# cursor can follow (api.filters.CallOrdering) and the JSON lists are correlated with.
COLUMNS = (
    "identifier",
    "code",
    "parent_identifier",
    "title",
    "summary",
    "description",
    "opens_at",
    "type_of_action",
    "budget",
    "published_at",
    "cancelled_at",
    "cancellation_reason",
    "updated_at",
    "version",
    *TOPIC_TEXTS,
    "budget_by_year",
    "expected_grants",
    "min_contribution",
    "max_contribution",
    "ft_last_seen_at",
    "ft_missing_since",
    "eligible_countries",
    "programme_id",
    "submission_ends_at",
    "has_own_participant_types",
    "has_own_themes",
)


class _OwnElseProgrammes(Case):
    """The call's own list when its flag (kept by calls/own_lists.py) says it has one,
    else its programme's: the database reads one of the two lists a call."""

    def __init__(self, flag: str, model):
        self.own = _named_list(model, "calls", F("pk"))
        super().__init__(
            When(**{flag: True}, then=self.own),
            default=_named_list(model, "programmes", F("programme_id")),
            output_field=JSONField(),
        )

    def get_db_converters(self, connection) -> list:
        return self.own.get_db_converters(connection)


def _named_list(model, where: str, equals) -> JSONList:
    return JSONList(model, ("slug", "name"), where=where, equals=equals, order_by="name")


# What a row reads beside the call's own columns, in the same query.
JOINED = {
    "programme_slug": F("programme__slug"),
    "fund_code": F("programme__fund__code"),
    "deadline_list": JSONList(
        Deadline, ("id", "due_at", "label"), where="call", equals=F("pk"), order_by="due_at"
    ),
    "objective_list": JSONList(
        CallObjective, ("text",), where="call", equals=F("pk"), order_by="position"
    ),
    "eligible_list": _OwnElseProgrammes("has_own_participant_types", ParticipantType),
    "themes_list": _OwnElseProgrammes("has_own_themes", Theme),
}
BATCH = 500  # calls a query of the CSV list and of the extracts reads


def with_representation(calls: QuerySet) -> QuerySet:
    """The rows of `calls` that `Representation` writes (a values query: one query)."""
    return calls.values("pk", *COLUMNS, **JOINED)


def represented(calls: QuerySet, at: datetime) -> list[dict]:
    """`calls` as the API shows them at `at`, in their order: one query."""
    return list(map(Representation(at), with_representation(calls)))


def represented_in_batches(ids: Iterable[int], at: datetime) -> Iterator[dict]:
    """The calls `ids`, in that order, as the API shows them at `at` (one deleted
    meanwhile is left out): one query per BATCH calls, so that memory stays flat, where
    iterating over one query would have the driver (no server-side cursors) hold every
    row at once."""
    write = Representation(at)
    for batch in batched(ids, BATCH):
        rows = {row["pk"]: row for row in with_representation(Call.objects.filter(pk__in=batch))}
        yield from (write(rows[pk]) for pk in batch if pk in rows)


def moment_text(moment: datetime, zone=None) -> str:
    """An aware datetime as DRF's DateTimeField writes it: ISO 8601 in the current time
    zone (or `zone`), "Z" for UTC."""
    local = moment.astimezone(zone or timezone.get_current_timezone())
    if local.utcoffset().seconds % 60:  # a local mean time (before 1892): not RFC 3339
        local = moment.astimezone(UTC)
    text = local.isoformat()
    return f"{text[:-6]}Z" if text.endswith("+00:00") else text


_CENT = Decimal("0.01")
_MONEY = Context(prec=15)  # the budget's max_digits


def amount_text(amount: Decimal) -> str:
    """An amount of EUR as DecimalField(max_digits=15, decimal_places=2) writes it, without
    the field's look-ups of settings for each amount."""
    return format(amount.quantize(_CENT, context=_MONEY), "f")


class Representation:
    """Writes rows of `with_representation` as the API's calls at the moment `at`.

    One per answer: it reverses the call's URL once, looks the time zone up once and
    writes each moment once (calls share their days of opening, publication and
    deadlines).
    """

    def __init__(self, at: datetime):
        self.at = at
        # Identifiers need no quoting ([A-Z0-9-]).
        self.url = absolute_url(reverse("call_detail", args=["IDENTIFIER"])).replace(
            "IDENTIFIER", "{}"
        )
        zone = timezone.get_current_timezone()
        self.when = cache(lambda moment: moment_text(moment, zone))

    def __call__(self, row: dict) -> dict:
        when = self.when
        status, closes_at, deadlines = self._schedule(row)
        eligible, eligible_source, themes, themes_source = self._facets(row)
        countries = row["eligible_countries"]  # a multiple CountryField's column: "MA,TR"
        return {
            "identifier": row["identifier"],
            "code": row["code"],
            "parent_identifier": row["parent_identifier"],
            "title": row["title"],
            "summary": row["summary"],
            "description": row["description"],
            "objectives": [text for (text,) in row["objective_list"]],
            "status": status,
            "opens_at": when(row["opens_at"]),
            "closes_at": _moment(when, closes_at),
            "deadlines": deadlines,
            "programme": row["programme_slug"],
            "fund": row["fund_code"],
            "type_of_action": row["type_of_action"],
            "budget": _amount(row["budget"]),
            "eligible": eligible,
            "eligible_source": eligible_source,
            "eligible_countries": countries.split(",") if countries else [],
            "themes": themes,
            "themes_source": themes_source,
            "url": self.url.format(row["identifier"]),
            "published_at": _moment(when, row["published_at"]),
            "cancelled_at": _moment(when, row["cancelled_at"]),
            "cancellation_reason": row["cancellation_reason"],
            "updated_at": when(row["updated_at"]),
            "version": row["version"],
            **{name: row[name] for name in TOPIC_TEXTS},
            "budget_by_year": {
                year: amount_text(Decimal(value)) for year, value in row["budget_by_year"].items()
            },
            "expected_grants": row["expected_grants"],
            "min_contribution": _amount(row["min_contribution"]),
            "max_contribution": _amount(row["max_contribution"]),
            "ft_last_seen_at": _moment(when, row["ft_last_seen_at"]),
            "ft_missing_since": _moment(when, row["ft_missing_since"]),
        }

    def _schedule(self, row: dict) -> tuple[str, datetime | None, list[dict]]:
        """The call's status and when it closes at `at`, and its deadlines."""
        deadlines, at, when = row["deadline_list"], self.at, self.when
        dues = [due_at for _id, due_at, _label in deadlines]
        status = status_from(
            at, opens_at=row["opens_at"], cancelled_at=row["cancelled_at"], dues=dues
        )
        return (
            status.value,
            closes_from(at, dues),
            [{"id": pk, "due_at": when(due), "label": label} for pk, due, label in deadlines],
        )

    @staticmethod
    def _facets(row: dict) -> tuple[list, str, list, str]:
        """Who may apply and the themes: the call's own list, else its programme's, and
        which of the two each is (the rule of `Call.applicants` and `Call.theme_list`)."""
        return (
            _named(row["eligible_list"]),
            "call" if row["has_own_participant_types"] else "programme",
            _named(row["themes_list"]),
            "call" if row["has_own_themes"] else "programme",
        )


def _named(rows: list) -> list[dict]:
    return [{"slug": slug, "name": name} for slug, name in rows]


def _amount(amount: Decimal | None) -> str | None:
    return None if amount is None else amount_text(amount)


def _moment(when, moment: datetime | None) -> str | None:
    return None if moment is None else when(moment)
