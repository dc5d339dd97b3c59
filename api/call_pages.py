"""Pages of calls from SQL compiled once per question and kept.

Every request that asks the API's list of calls the same question (the same parameters,
of the public calls) runs the same SQL; only the moment it is asked changes, which
decides each call's status. Building the filter set and the page query (the rows of
api.call_representation.with_representation) and compiling it was most of the API's own
work on a page, so the first request of a question compiles its page query and keeps the
SQL, with the places of the moment among its parameters; the next ones run that SQL with
their own moment. Either way the page is one query, and its rows pass through the ORM's
converters as `values()` rows do; api.call_representation writes them.

Where the moment goes is found, not assumed: the question's query is compiled a second
time for a moment far from the first (`_OTHER_MOMENT`); the SQL must be the same and the
parameters must differ exactly where they hold the moment (as a datetime, or as the
database's text for it). A query with anything else derived from the moment (a day, a
moment a month earlier) is not kept, and is compiled for every request, as is a question
whose answer depends on rows of the database (`KEPT_PARAMETERS` leaves those out).
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import JSONField
from django.db.models.expressions import Col
from django.db.models.sql.compiler import SQLCompiler

from foundation.json_lists import json_value

# The parameters whose filters are SQL of their value alone. `q`, `eligible`, `theme`
# and `action` read rows (a search's extra answers, a slug's row, the choices of
# actions) before they filter, so a question with them is compiled each time.
KEPT_PARAMETERS = frozenset(
    {
        "status",
        "ordering",
        "fund",
        "programme",
        "source",
        "updated_since",
        "closes_after",
        "closes_before",
        "page_size",
        "cursor",
        "format",
    }
)
KEPT_QUESTIONS = 512  # then the kept statements are dropped and kept again as asked
_OTHER_MOMENT = timedelta(days=400, hours=1, minutes=1, seconds=1, microseconds=1)


def question(query_params, using: str) -> tuple | None:
    """The key of a question asked of the public calls, or None if it is not kept."""
    if not KEPT_PARAMETERS.issuperset(query_params):
        return None
    return (using, *sorted((name, tuple(query_params.getlist(name))) for name in query_params))


@dataclass(frozen=True)
class Statement:
    """A page query's SQL and parameters, with its compiler and what `values()` takes
    from it (the names of the columns, their converters); at `moments`, the parameters
    that are the moment asked, as is or as the database's text."""

    sql: str
    params: tuple
    compiler: SQLCompiler
    moments: dict[int, bool]  # place -> written as the database's text
    names: tuple[str, ...] = ()
    converters: dict = field(default_factory=dict)

    @classmethod
    def of(cls, queryset) -> "Statement":
        compiler = queryset.query.get_compiler(queryset.db)
        sql, params = compiler.as_sql()
        query = compiler.query
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        columns = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = {
            place: ([_quicker(converter, column) for converter in column_converters], column)
            for place, (column_converters, column) in compiler.get_converters(columns).items()
        }
        return cls(sql, tuple(params), compiler, {}, names, converters)

    def at(self, moment: datetime) -> tuple:
        """The parameters for `moment`."""
        text = connections[self.compiler.using].ops.adapt_datetimefield_value(moment)
        return tuple(
            (text if self.moments[place] else moment) if place in self.moments else param
            for place, param in enumerate(self.params)
        )

    def keepable(self, moment: datetime, other: "Statement", other_moment: datetime):
        """This statement, with the places of its moment, if `other` (the same question at
        `other_moment`) differs from it only there; else None."""
        if other.sql != self.sql or len(other.params) != len(self.params):
            return None
        ops = connections[self.compiler.using].ops
        texts = (ops.adapt_datetimefield_value(moment), ops.adapt_datetimefield_value(other_moment))
        moments = {}
        for place, (param, other_param) in enumerate(zip(self.params, other.params, strict=True)):
            if param == other_param:
                continue
            if (param, other_param) == (moment, other_moment):
                moments[place] = False
            elif (param, other_param) == texts:
                moments[place] = True
            else:
                return None
        return replace(self, moments=moments)

    def rows(self, params) -> list[dict]:
        """The page's rows as `values()` gives them, in one query."""
        compiler, names = self.compiler, self.names
        with connections[compiler.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        converted = compiler.apply_converters(rows, self.converters) if self.converters else rows
        return [dict(zip(names, row, strict=True)) for row in converted]


def _quicker(converter, column):
    """JSONField's converter of a model's own column, with the standard decoder, as
    foundation.json_lists.json_value (two such columns a call); any other as it is."""
    field = getattr(converter, "__self__", None)
    if (
        getattr(converter, "__func__", None) is JSONField.from_db_value
        and field.decoder is None
        and isinstance(column, Col)
    ):
        return json_value
    return converter


class KeptStatements(dict):
    """The statements of the questions asked more than once so far, up to KEPT_QUESTIONS.
    A question asked once (the next page of a sync, a new `updated_since`) is only noted:
    finding the places of its moment costs a second compilation, paid only by a question
    that comes back."""

    def __init__(self):
        super().__init__()
        self.asked: set[tuple] = set()

    def asked_before(self, key: tuple) -> bool:
        """Whether `key` was asked before; notes it."""
        if key in self.asked:
            return True
        if len(self.asked) >= KEPT_QUESTIONS:
            self.asked.clear()
        self.asked.add(key)
        return False

    def keep(self, key: tuple, statement: Statement) -> None:
        if len(self) >= KEPT_QUESTIONS:
            self.clear()
        self[key] = statement

    def clear(self) -> None:
        super().clear()
        self.asked.clear()


KEPT = KeptStatements()


class PageQuery:
    """What the cursor paginator asks of a queryset (`order_by`, `filter`, then a slice),
    answered by a kept statement, or by compiling the question's values query.

    `build(moment)` makes the question's values query at a moment; `key` is the
    question's key (api.call_pages.question), None for a question not kept.
    """

    def __init__(self, build: Callable, moment: datetime, key: tuple | None):
        self.build, self.moment, self.key = build, moment, key
        self.steps: list[tuple[str, tuple, dict]] = []

    def order_by(self, *fields) -> "PageQuery":
        self.steps.append(("order_by", fields, {}))
        return self

    def filter(self, **lookups) -> "PageQuery":
        self.steps.append(("filter", (), lookups))
        return self

    def __getitem__(self, page: slice) -> list[dict]:
        kept = KEPT.get(self.key) if self.key else None
        if kept is not None:
            return kept.rows(kept.at(self.moment))
        try:
            statement = Statement.of(self._page(self.build(self.moment), page))
        except EmptyResultSet:
            return []
        rows = statement.rows(statement.params)
        if self.key and KEPT.asked_before(self.key):
            other_moment = self.moment - _OTHER_MOMENT
            other = Statement.of(self._page(self.build(other_moment), page))
            keepable = statement.keepable(self.moment, other, other_moment)
            if keepable is not None:
                KEPT.keep(self.key, keepable)
        return rows

    def _page(self, queryset, page: slice):
        for method, args, kwargs in self.steps:
            queryset = getattr(queryset, method)(*args, **kwargs)
        return queryset[page]
