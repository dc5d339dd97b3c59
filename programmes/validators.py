"""The shape of call identifier codes (e.g. AMIF-2024-TF2-AG-THB-01), and the
characters a text may hold.

A fund's calls are identified by segments of letters and digits joined by hyphens,
starting with the fund's prefix. Segments are mostly upper-case, but real EU Funding &
Tenders identifiers have lower-case ones (HORIZON-JU-CBE-2026-IAFlag-02,
HORIZON-MISS-2027-05-SOIL-01-two-stage), so both cases are accepted. The same pattern
is a database check constraint on calls, so the database refuses what the forms would
refuse.
"""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

SEGMENT = r"[A-Z0-9]+"
CALL_SEGMENT = r"[A-Za-z0-9]+"
IDENTIFIER_PATTERN = rf"^{CALL_SEGMENT}(-{CALL_SEGMENT})+$"

validate_call_identifier = RegexValidator(
    IDENTIFIER_PATTERN,
    _(
        "Use letters and digits in segments joined by hyphens, "
        "starting with the fund's code, e.g. AMIF-2024-TF2-AG-THB-01."
    ),
    code="invalid_identifier",
)

validate_identifier_prefix = RegexValidator(
    rf"^{SEGMENT}$",
    _("Use upper-case letters and digits only, e.g. AMIF."),
    code="invalid_prefix",
)


# C0 control characters and DEL: invisible, refused by XML 1.0 (Atom feeds) and by
# iCalendar's TEXT values. A long text may hold tabs and line breaks; a line, nothing.
# The patterns match a whole text of other characters (empty texts are not validated),
# written so that Python and the OpenAPI schema (ECMA-262 regular expressions) read them
# alike: `(?![\s\S])` is the end of the text in both, where Python's `$` would also
# match before a final "\n".
_CONTROL_CHARACTERS = "\x00-\x1f\x7f"
_CONTROL_CHARACTERS_BUT_LINE_BREAKS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_NOT_IN_TEXT = re.compile(f"[{_CONTROL_CHARACTERS_BUT_LINE_BREAKS}]")

validate_line_characters = RegexValidator(
    f"^[^{_CONTROL_CHARACTERS}]+(?![\\s\\S])",
    _("Remove the invisible control characters (such as tabs or line breaks) from this text."),
    code="control_characters",
)

validate_text_characters = RegexValidator(
    f"^[^{_CONTROL_CHARACTERS_BUT_LINE_BREAKS}]+(?![\\s\\S])",
    _("Remove the invisible control characters from this text (tabs and line breaks are fine)."),
    code="control_characters",
)


def without_control_characters(text: str) -> str:
    """`text` without the characters `validate_text_characters` refuses: for writing what
    was stored before the rule (or by a door that skipped it) into XML or iCalendar."""
    return _NOT_IN_TEXT.sub("", text)
