"""The shape of call identifier codes (e.g. AMIF-2024-TF2-AG-THB-01).

A fund's calls are identified by segments of letters and digits joined by hyphens,
starting with the fund's prefix. Segments are mostly upper-case, but real EU Funding &
Tenders identifiers have lower-case ones (HORIZON-JU-CBE-2026-IAFlag-02,
HORIZON-MISS-2027-05-SOIL-01-two-stage), so both cases are accepted. The same pattern
is a database check constraint on calls, so the database refuses what the forms would
refuse.
"""

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
