"""The shape of call identifier codes (e.g. AMIF-2024-TF2-AG-THB-01).

A fund's calls are identified by upper-case segments of letters and digits joined
by hyphens, starting with the fund's prefix. The same pattern is a database check
constraint on calls, so the database refuses what the forms would refuse.
"""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

SEGMENT = r"[A-Z0-9]+"
IDENTIFIER_PATTERN = rf"^{SEGMENT}(-{SEGMENT})+$"

validate_call_identifier = RegexValidator(
    IDENTIFIER_PATTERN,
    _(
        "Use upper-case letters and digits in segments joined by hyphens, "
        "starting with the fund's code, e.g. AMIF-2024-TF2-AG-THB-01."
    ),
    code="invalid_identifier",
)

validate_identifier_prefix = RegexValidator(
    rf"^{SEGMENT}$",
    _("Use upper-case letters and digits only, e.g. AMIF."),
    code="invalid_prefix",
)
