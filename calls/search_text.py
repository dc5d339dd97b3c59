"""What a search box's text means, read the same way for every database.

The text someone types (`q` on /calls/, in the API and in a saved search) is read
in Python into a few plain words and, when it looks like one, an identifier code.
Only those reach the database, as bound parameters of queries built from them:
operators, quotes, brackets and other punctuation are separators, so no text can
make the database's query parser fail ("tsquery stack too small" for 40 hyphens).

- Every word is required; a word written `-word` excludes the calls that have it.
- Words are folded: case, accents ("intégration" = "integration") and letters of
  another script that look like Latin ones (a Cyrillic "а" in "trаfficking").
  The databases fold the calls' text the same way (calls/search_index.py).
- English stop words ("the", "of") are dropped, as PostgreSQL's English
  configuration does, so both databases require the same words.
- At most MAX_WORDS words of at most MAX_WORD_LENGTH characters are read; a text
  that leaves no word to require matches no call.
"""

import re
import unicodedata
from dataclasses import dataclass, field

MAX_WORDS = 10
MAX_WORD_LENGTH = 60
# The longest identifier code (Call.identifier's max_length).
MAX_CODE_LENGTH = 100
# Read no further: 10,000 characters of text mean no more than their first words.
MAX_TEXT_LENGTH = 1000

# Letters of the Cyrillic and Greek scripts drawn like Latin ones, as they turn up
# in text copied from other sources (a Cyrillic "а" in "trаfficking").
LOOK_ALIKE_PAIRS = [
    ("А", "A"),
    ("В", "B"),
    ("Е", "E"),
    ("І", "I"),
    ("Ј", "J"),
    ("К", "K"),
    ("М", "M"),
    ("Н", "H"),
    ("О", "O"),
    ("Р", "P"),
    ("С", "C"),
    ("Т", "T"),
    ("Х", "X"),
    ("Ѕ", "S"),
    ("а", "a"),
    ("е", "e"),
    ("і", "i"),
    ("ј", "j"),
    ("о", "o"),
    ("р", "p"),
    ("с", "c"),
    ("у", "y"),
    ("х", "x"),
    ("ѕ", "s"),
    ("ԁ", "d"),
    ("ԛ", "q"),
    ("ԝ", "w"),
    ("Α", "A"),
    ("Β", "B"),
    ("Ε", "E"),
    ("Ζ", "Z"),
    ("Η", "H"),
    ("Ι", "I"),
    ("Κ", "K"),
    ("Μ", "M"),
    ("Ν", "N"),
    ("Ο", "O"),
    ("Ρ", "P"),
    ("Τ", "T"),
    ("Υ", "Y"),
    ("Χ", "X"),
    ("ο", "o"),
    ("ι", "i"),
    ("ν", "v"),
]
LOOK_ALIKES = str.maketrans(dict(LOOK_ALIKE_PAIRS))

# PostgreSQL's English stop words (tsearch_data/english.stop, from Snowball).
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()  # noqa: SIM905 - reads as the list file does
)

# A token: an optional "-" (exclusion) then anything up to the next space.
TOKEN = re.compile(r"(-?)(\S+)")
WORD = re.compile(r"[^\W_]+")
CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")


def fold(text: str) -> str:
    """`text` in lower case, without accents, with look-alike letters made Latin."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LOOK_ALIKES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass(frozen=True)
class SearchText:
    """The words to require and to exclude, and the identifier code `text` may be."""

    required: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    code: str = ""

    @property
    def can_match(self) -> bool:
        return bool(self.required or self.code)


def read_search(text: str) -> SearchText:
    """What `text` asks for (see the module's docstring). Never fails."""
    text = text[:MAX_TEXT_LENGTH]
    required: list[str] = []
    excluded: list[str] = []
    for minus, token in TOKEN.findall(text):
        for word in WORD.findall(fold(token)):
            if len(word) > MAX_WORD_LENGTH or word in STOP_WORDS:
                continue
            into = excluded if minus and len(WORD.findall(token)) == 1 else required
            if word not in into and len(required) + len(excluded) < MAX_WORDS:
                into.append(word)
    return SearchText(required=required, excluded=excluded, code=identifier_code(text))


def identifier_code(text: str) -> str:
    """The identifier code, or piece of one, that `text` may be, in its canonical
    spelling ("amif 2024_tf2" is "AMIF-2024-TF2"); empty when it cannot be one.

    A single word without a digit ("trafficking", "AMIF") is not taken as a code: it
    would match too many identifiers to put them before the other results.
    """
    code = re.sub(r"[\s_\-]+", "-", fold(text).strip(" \t\n-_")).upper()
    if len(code) > MAX_CODE_LENGTH or not CODE.fullmatch(code):
        return ""
    if "-" not in code and not any(c.isdigit() for c in code):
        return ""
    return code
