"""Telephone numbers of contact points and persons: stored in E.164 (+3222991111), shown
grouped in international form (+32 2 299 11 11), dialled through `tel:` links.

Parsing, validation and grouping are Google's libphonenumber rules (the `phonenumbers`
package), which know each country's numbering plan. A number written without its
country code is read as a number of the contact point's country; an EU contact point
has none, so its numbers need the code.
"""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

INVALID = _(
    "Not a valid telephone number. Write it with its country code, e.g. +32 2 299 11 11 "
    "(a national contact point's own numbers may leave the code out)."
)


def phone_e164(text: str, region: str = "") -> str:
    """`text` as E.164, "" for ""; a number without a country code is one of `region`
    (an ISO 3166 code such as "CY"). Raises ValidationError if it is not a valid number."""
    if not text.strip():
        return ""
    try:
        number = phonenumbers.parse(text, region.upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_grouped(e164: str) -> str:
    """A stored number for people: "+3222991111" as "+32 2 299 11 11". A value that is
    not a number (kept as it was by the migration to E.164) is shown unchanged."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
