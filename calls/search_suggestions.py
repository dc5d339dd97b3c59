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


# How many of the nearest known words are tried for each unknown word: the vocabulary
# keeps the words of calls since deleted or changed (PostgreSQL's table only grows), so
# the nearest may find nothing while the next does.
CANDIDATES = 3


def search_suggestion(calls: QuerySet, text: str) -> str:
    """`text` with its unknown words replaced by the nearest known ones that find any of
    `calls`; else "". A query per word, and at most CANDIDATES to check suggestions."""
    words = read_search(text).required
    nearest = {word: _nearest(calls.db, word) for word in words if SUGGESTIBLE.match(word)}
    unknown = {word: near for word, near in nearest.items() if near and near[0] != word}
    if not unknown:
        return ""
    for rank in range(CANDIDATES):
        chosen = {word: near[min(rank, len(near) - 1)] for word, near in unknown.items()}
        suggestion = " ".join(chosen.get(word, word) for word in words)
        if search_calls(calls, suggestion).exists():
            return suggestion
        if all(rank >= len(near) - 1 for near in unknown.values()):
            break
    return ""


def _nearest(db: str, word: str) -> list[str]:
    """The known words most similar to `word`, most similar first (at most CANDIDATES;
    `word` itself first if known)."""
    connection = connections[db]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT word FROM calls_search_word WHERE word %% %s"
                " ORDER BY similarity(word, %s) DESC, word LIMIT %s",
                [word, word, CANDIDATES],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT term FROM {WORDS_VOCABULARY} WHERE length(term) BETWEEN %s AND %s",
            [len(word) - 3, len(word) + 3],
        )
        candidates = [term for (term,) in cursor.fetchall() if SUGGESTIBLE.match(term)]
    ranked = sorted(candidates, key=lambda term: (-similarity(word, term), term))
    return [term for term in ranked[:CANDIDATES] if similarity(word, term) >= SIMILARITY_THRESHOLD]
