"""Spelling suggestions for a search that finds nothing: "Did you mean trafficking?".

Each word typed that the calls' text does not hold is replaced by the most similar word
it holds, by trigram similarity (pg_trgm's measure: the trigrams two words share over
the trigrams of either): PostgreSQL finds it through the trigram index of
`calls_search_word`; SQLite reads candidates of similar length from the FTS5 vocabulary
and measures them in Python the same way (calls/search_index.py keeps both).
"""

import re

from django.db import connections
from django.db.models import QuerySet

from calls.search import search_calls
from calls.search_index import WORD_PATTERN, WORDS_VOCABULARY
from calls.search_text import read_search

# pg_trgm's default similarity threshold (pg_trgm.similarity_threshold).
SIMILARITY_THRESHOLD = 0.3
SUGGESTIBLE = re.compile(WORD_PATTERN)


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one lower-case word: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb)


def search_suggestion(calls: QuerySet, text: str) -> str:
    """`text` with its unknown words replaced by the nearest known ones, if that finds
    any of `calls`; else "". A query per word, and one to check the suggestion."""
    words = read_search(text).required
    nearest = {word: _nearest(calls.db, word) for word in words if SUGGESTIBLE.match(word)}
    if all(near in ("", word) for word, near in nearest.items()):
        return ""
    suggestion = " ".join(nearest.get(word) or word for word in words)
    return suggestion if search_calls(calls, suggestion).exists() else ""


def _nearest(db: str, word: str) -> str:
    """The known word most similar to `word` (`word` itself if known), or ""."""
    connection = connections[db]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT word FROM calls_search_word WHERE word %% %s"
                " ORDER BY similarity(word, %s) DESC, word LIMIT 1",
                [word, word],
            )
            row = cursor.fetchone()
            return row[0] if row else ""
        cursor.execute(
            f"SELECT term FROM {WORDS_VOCABULARY} WHERE length(term) BETWEEN %s AND %s",
            [len(word) - 3, len(word) + 3],
        )
        candidates = [term for (term,) in cursor.fetchall() if SUGGESTIBLE.match(term)]
    ranked = sorted(candidates, key=lambda term: (-similarity(word, term), term))
    best = ranked[0] if ranked else ""
    return best if best and similarity(word, best) >= SIMILARITY_THRESHOLD else ""
