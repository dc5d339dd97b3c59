"""Fields that take exactly the JSON types the OpenAPI schema states.

DRF's fields are lenient: a text field takes 5 (as "5"), an integer field "5", a boolean
0 or "yes", a decimal field a number. The schema says "string", "integer", "boolean",
so such values are refused (400 naming the field), and schemathesis' "schema-violating
request accepted" check holds (tests/api/test_schema.py).
"""

from django.core.validators import RegexValidator
from django.db import models
from rest_framework import serializers

# What a web address written through the API may be: http(s), a host of at most five
# labels (at most 48 characters each) and a top-level name, an optional port, then no
# space or NUL. Narrower than Django's URLValidator, so that everything the schema's
# pattern allows is accepted (hosts stay under 253 characters).
WEB_ADDRESS = (
    r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,46}[A-Za-z0-9])?\.){1,4}[A-Za-z]{2,24}"
    r"(?::[0-9]{1,4})?(?:[/?#][^\s\u0000]*)?$"
)
validate_web_address = RegexValidator(
    WEB_ADDRESS, "Enter an http or https address, e.g. https://ec.europa.eu/apply."
)


_JSON_TYPES = {str: "string", int: "integer", bool: "boolean (true or false)"}


def _strictly(kind: type, field_class: type) -> type:
    class Strict(field_class):
        def to_internal_value(self, data):
            if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
                raise serializers.ValidationError(f"Send a JSON {_JSON_TYPES[kind]}.")
            return super().to_internal_value(data)

    Strict.__name__ = f"Strict{field_class.__name__}"
    Strict.__doc__ = f"A {field_class.__name__} that takes a JSON {kind.__name__} only."
    return Strict


StrictCharField = _strictly(str, serializers.CharField)
StrictEmailField = _strictly(str, serializers.EmailField)
StrictIntegerField = _strictly(int, serializers.IntegerField)
StrictDecimalField = _strictly(str, serializers.DecimalField)
StrictDateTimeField = _strictly(str, serializers.DateTimeField)
StrictBooleanField = _strictly(bool, serializers.BooleanField)


StrictURLField = _strictly(str, serializers.URLField)
# For a ModelSerializer's `serializer_field_mapping`.
STRICT_FIELDS = {
    **serializers.ModelSerializer.serializer_field_mapping,
    models.CharField: StrictCharField,
    models.TextField: StrictCharField,
    models.EmailField: StrictEmailField,
    models.URLField: StrictURLField,
    models.IntegerField: StrictIntegerField,
    models.PositiveIntegerField: StrictIntegerField,
    models.PositiveSmallIntegerField: StrictIntegerField,
    models.BigIntegerField: StrictIntegerField,
    models.DecimalField: StrictDecimalField,
    models.DateTimeField: StrictDateTimeField,
    models.BooleanField: StrictBooleanField,
}
