"""The search of calls, one definition for /calls/, the API's `q`, saved searches and the
NCP area (`CallQuerySet.search` calls `search_calls`).

A call matches when it has every required word and no excluded one (full-text, with
English stemming, ranked), or when its identifier code contains the code the text may
be (calls/search_text.py reads the text). Identifier matches rank first: exact, then
partial, then by full-text rank.

- PostgreSQL: the weighted tsvector `Call.search_document` (a stored generated column
  with a GIN index) of the folded text; each word is a `plainto_tsquery` of one word,
  combined with `&&` and `!!`, so no parser sees the raw text.
- SQLite: the FTS5 table `calls_call_fts` (porter stemmer, accents removed), kept in
  step with the calls by triggers (calls/search_index.py), ranked by bm25.
"""

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, models
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import RawSQL

from calls.search_text import SearchText, read_search

SEARCH_CONFIG = "english"
FTS_TABLE = "calls_call_fts"
# bm25 weights of the FTS5 columns: identifier, title, summary, description (as the
# tsvector's weights A, A, B, C).
FTS_WEIGHTS = "10.0, 10.0, 4.0, 1.0"


class SearchFold(models.Func):
    """Text folded as calls/search_text.fold folds it, in SQL: lower case, no accents,
    look-alike letters made Latin (the function made by migration 0008)."""

    function = "calls_search_fold"
    output_field = models.TextField()

    def as_sqlite(self, compiler, connection, **extra):
        # The FTS5 tokenizer folds case and accents; look-alikes are folded in Python.
        return compiler.compile(self.source_expressions[0])


class FtsRank(models.Expression):
    """How well a call's row of the FTS5 table matches `match` (higher is better)."""

    output_field = models.FloatField()

    def __init__(self, match: str):
        super().__init__()
        self.match = match

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(F("pk").resolve_expression(compiler.query))
        sql = (
            f"(SELECT -bm25({FTS_TABLE}, {FTS_WEIGHTS}) FROM {FTS_TABLE}"
            f" WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {pk_sql})"
        )
        return sql, (self.match, *pk_params)


def search_calls(
    calls: models.QuerySet, text: str, *, within: Q | None = None, by_code: Q | None = None
) -> models.QuerySet:
    """The `calls` matching `text`, annotated with `relevance` (higher first).

    A text with no word to require and no identifier code matches nothing. `within` is a
    condition that the calls found by their words must meet, and those found by their
    identifier code need not (the list's statuses: a code finds its call whatever its
    status). Written into the match as (words and `within`) or code, rather than left to
    a filter of (words or code) and (`within` or code), which means the same: PostgreSQL
    then intersects the text index with `within`'s index instead of testing the words on
    every call that `within` lets through, or reading every call the words find.
    `by_code`: the calls whose identifier contains the code, when the caller has found
    them already (by id), in place of searching the identifier's index again.
    """
    terms = read_search(text)
    if not terms.can_match:
        return calls.annotate(relevance=Value(0.0)).none()
    matches, rank = Q(pk__in=[]), Value(0.0)
    if terms.required:
        if connections[calls.db].vendor == "postgresql":
            matches, rank = _postgresql_full_text(terms)
        else:
            matches, rank = _sqlite_full_text(terms)
        if within is not None:
            matches &= within
    identifier_match = Value(0.0)
    if terms.code:
        matches |= Q(identifier__contains=terms.code) if by_code is None else by_code
        identifier_match = Case(
            When(identifier=terms.code, then=Value(2.0)),
            When(identifier__contains=terms.code, then=Value(1.0)),
            default=Value(0.0),
        )
    return (
        calls.alias(identifier_match=identifier_match, rank=rank)
        .filter(matches)
        .annotate(relevance=F("identifier_match") * 10 + F("rank"))
    )


def _postgresql_full_text(terms: SearchText) -> tuple[Q, models.Expression]:
    def word(text: str) -> SearchQuery:
        return SearchQuery(SearchFold(Value(text)), config=SEARCH_CONFIG, search_type="plain")

    query = word(terms.required[0])
    for text in terms.required[1:]:
        query &= word(text)
    for text in terms.excluded:
        query &= ~word(text)
    return Q(search_document=query), SearchRank(F("search_document"), query)


def fts_match(terms: SearchText) -> str:
    """The FTS5 query of `terms`: each word quoted (words hold letters and digits only),
    all required (AND), the excluded ones after NOT."""
    query = " AND ".join(f'"{word}"' for word in terms.required)
    return query + "".join(f' NOT "{word}"' for word in terms.excluded)


def _sqlite_full_text(terms: SearchText) -> tuple[Q, models.Expression]:
    match = fts_match(terms)
    rows = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
    return Q(pk__in=rows), FtsRank(match)
