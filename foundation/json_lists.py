"""Related rows read in the same query as their parent row: `JSONList`, a correlated
subquery that returns them as one JSON array, so that a page of calls and each call's
deadlines come back in one round trip rather than one query per relation.

Portable: JSONB_AGG on PostgreSQL, JSON_GROUP_ARRAY on SQLite, JSON_ARRAYAGG (SQL:2016)
elsewhere, each with the aggregate's ORDER BY. SQLite has that clause only from 3.44;
before, the rows are sorted in Python after reading, which orders them as SQLite's
ORDER BY would (numbers by value; text, and the ISO dates SQLite stores, by code point).
"""

import json
import json.scanner
from datetime import UTC, datetime
from operator import itemgetter

from django.db import models
from django.db.models import Aggregate, JSONField
from django.db.models.expressions import Expression, RawSQL
from django.db.models.functions import JSONArray

# Where the correlated column goes in a JSONList's SQL, written once.
_EQUALS = "__json_list_equals__"


class _JSONArrayAgg(Aggregate):
    function = "JSON_ARRAYAGG"
    output_field = JSONField()
    allow_order_by = True

    def as_sql(self, compiler, connection, **extra_context):
        if self.order_by is not None and not connection.features.supports_aggregate_order_by_clause:
            unordered = self.copy()
            unordered.order_by = None  # JSONList sorts after reading
            return unordered.as_sql(compiler, connection, **extra_context)
        return super().as_sql(compiler, connection, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


class JSONList(Expression):
    """The rows of `model` whose field `where` equals `equals` (a column of the query)
    as a list of tuples of `fields`, ordered by `order_by`; `[]` when there are none.
    Datetime fields come back as aware datetimes in UTC, as the ORM reads them.

        JSONList(Deadline, ("id", "due_at"), where="call", equals=F("pk"), order_by="due_at")

    The subquery is written by the ORM once per database and kept: only the column it
    is correlated with is compiled per query (a Subquery would be resolved and compiled
    by the ORM for each query, which cost more than running it). Its tables keep their
    names, so `model` must not be the model of the query (a relation to itself).
    """

    output_field = JSONField()

    def __init__(self, model, fields: tuple[str, ...], *, where: str, equals, order_by: str):
        super().__init__()
        self.equals = equals
        matching = model._default_manager.filter(**{where: RawSQL(_EQUALS, ())}).order_by()
        # The databases that cannot order the aggregate have the sort key ride last in
        # each row (`sorted_later`); the others order the rows themselves (`rows`).
        self.rows, self.sorted_later = (
            matching.values(where)
            .annotate(json_list=_JSONArrayAgg(JSONArray(*columns), order_by=order_by))
            .values("json_list")
            for columns in (fields, (*fields, order_by))
        )
        self.moments = [
            position
            for position, name in enumerate(fields)
            if isinstance(model._meta.get_field(name), models.DateTimeField)
        ]
        self.sql_by_database: dict[str, str] = {}  # shared by the copies the ORM makes

    def get_source_expressions(self) -> list:
        return [self.equals]

    def set_source_expressions(self, expressions) -> None:
        (self.equals,) = expressions

    def as_sql(self, compiler, connection, **extra_context):
        equals_sql, equals_params = compiler.compile(self.equals)
        rows_sql = self._rows_sql(connection)
        return f"({rows_sql.replace(_EQUALS, equals_sql)})", equals_params

    def _rows_sql(self, connection) -> str:
        if connection.alias not in self.sql_by_database:
            ordered = connection.features.supports_aggregate_order_by_clause
            rows = self.rows if ordered else self.sorted_later
            sql, params = rows.query.get_compiler(connection=connection).as_sql()
            if params or sql.count(_EQUALS) != 1:
                raise ValueError("A JSONList's rows take no parameters but its column.")
            self.sql_by_database[connection.alias] = sql
        return self.sql_by_database[connection.alias]

    def get_db_converters(self, connection) -> list:
        """One converter that decodes the array too: the database always writes valid JSON,
        which JSONField's converter (one Python call more per value) checks for."""
        return [self._to_tuples]

    def _to_tuples(self, value, expression, connection) -> list[tuple]:
        rows = decoded(value) if isinstance(value, str) else value
        if not rows:
            return []
        for row in rows:
            for position in self.moments:
                row[position] = _moment(row[position])
        if connection.features.supports_aggregate_order_by_clause:
            return [tuple(row) for row in rows]
        rows.sort(key=itemgetter(-1))
        return [tuple(row[:-1]) for row in rows]


def json_value(value, expression, connection):
    """JSONField's converter for a column of the model itself (its own decoder, the
    standard one): the database always writes valid JSON."""
    return decoded(value) if isinstance(value, str) else value


def decoded(text: str):
    """The JSON value of `text`: the C scanner of the standard library's decoder, without
    its Python wrappers (a dozen small arrays a row)."""
    return _scan(text.lstrip(), 0)[0]


_scan = json.scanner.make_scanner(json.JSONDecoder())


def _moment(text: str | None) -> datetime | None:
    """A datetime written into JSON by the database: PostgreSQL writes its offset, SQLite
    the naive UTC value Django stores."""
    if text is None:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
