"""Writing calls through the API: parse the body, then call calls/services.py.

The serializer only checks types (and the field limits it reads from the model); the
rules (identifier prefix, deadlines after the opening, uniqueness, the version check)
are the services' and the model's, so the API refuses exactly what the NCP area
refuses, with the same messages.
"""

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.fields import (
    STRICT_FIELDS,
    StrictCharField,
    StrictDateTimeField,
    StrictIntegerField,
    validate_web_address,
)
from api.serializers import COUNTRY_CHOICES, CallSerializer
from calls import services
from calls.models import (
    MAX_DEADLINES,
    MAX_OBJECTIVE_LENGTH,
    MAX_OBJECTIVES,
    MAX_REASON_LENGTH,
    Call,
)
from calls.services import EDITABLE_FIELDS, ELIGIBILITY_FIELDS, DeadlineInput
from programmes.models import ParticipantType, Programme, Theme
from programmes.validators import validate_call_identifier, validate_line_characters


class DeadlineInputSerializer(serializers.Serializer):
    id = StrictIntegerField(
        required=False,
        help_text="The id of one of the call's deadlines, to move it; without it, a deadline "
        "at the same moment is kept and any other is new.",
    )
    due_at = StrictDateTimeField(help_text="ISO 8601 with offset.")
    label = StrictCharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=100,
        validators=[validate_line_characters],
    )


class CallWriteSerializer(serializers.ModelSerializer):
    """A call as an NCP's tool sends it. PATCH: only the fields given change; `version`
    (from the last read) is required, and `deadlines` and `objectives`, when given,
    replace the whole list."""

    serializer_field_mapping = STRICT_FIELDS
    programme = serializers.SlugRelatedField(
        slug_field="slug", queryset=Programme.objects.all(), help_text="The programme's slug."
    )
    # A list field rather than many=True, so that the schema states the caps (minItems,
    # maxItems) as it does for objectives.
    deadlines = serializers.ListField(
        child=DeadlineInputSerializer(),
        min_length=1,
        max_length=MAX_DEADLINES,
        error_messages={"min_length": _("A call needs at least one deadline.")},
        help_text="Every deadline of the call.",
    )
    objectives = serializers.ListField(
        # A blank one is dropped by the services (as in the NCP area), not refused.
        child=StrictCharField(
            max_length=MAX_OBJECTIVE_LENGTH,
            allow_blank=True,
            validators=[validate_line_characters],  # stated in the schema as a pattern
        ),
        max_length=MAX_OBJECTIVES,
        required=False,
        help_text="The specific objectives.",
    )
    published_at = StrictDateTimeField(
        required=False,
        allow_null=True,
        help_text="When the call becomes public. Omitted on creation: a draft. "
        "In a PATCH, a moment publishes (or schedules) the call, null makes it a draft again.",
    )
    version = StrictIntegerField(
        required=False, min_value=1, help_text="Required in a PATCH: the version you last read."
    )
    # Who can apply, and the themes: the call's own; empty, its programme's apply.
    eligible = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=ParticipantType.objects.all(),
        source="eligible_participants",
        required=False,
        help_text="Slugs of the participant types who may apply (see a programme's "
        "`eligible`); [] for the programme's.",
    )
    eligible_countries = serializers.ListField(
        child=serializers.ChoiceField(choices=COUNTRY_CHOICES),
        max_length=len(COUNTRY_CHOICES),
        required=False,
        help_text="ISO 3166-1 alpha-2 codes of the countries where applicants must be "
        "established; [] for no restriction.",
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        queryset=Theme.objects.all(),
        required=False,
        help_text="Slugs of the thematic categories (see a programme's `themes`); [] for the "
        "programme's.",
    )

    class Meta:
        model = Call
        fields = [
            *EDITABLE_FIELDS,
            "published_at",
            "deadlines",
            "objectives",
            "version",
            "eligible",
            "eligible_countries",
            "themes",
        ]
        # Uniqueness is checked by full_clean() in the services, with the model's messages;
        # the identifier's format here too, so that the schema states its pattern.
        extra_kwargs = {
            "code": {"validators": []},
            "identifier": {"validators": [validate_call_identifier]},
            "official_url": {"validators": [validate_web_address]},
            "apply_url": {"validators": [validate_web_address]},
            # Stated in the schema (no minus sign in its pattern), with the message of the
            # database's constraint, so that the answer names the field.
            "budget": {
                "min_value": 0,
                "error_messages": {"min_value": _("The budget cannot be negative.")},
            },
        }

    def to_internal_value(self, data):
        """The fields' values; a field the API does not take, or only shows, is an error
        naming it (not silently dropped)."""
        unexpected = _unexpected_fields(data, self.fields)
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {}
            raise serializers.ValidationError(detail | unexpected) from None
        if unexpected:
            raise serializers.ValidationError(unexpected)
        return values

    def validate(self, attrs: dict) -> dict:
        if self.partial and "version" not in attrs:
            raise serializers.ValidationError(
                {"version": ["Send the version you last read (optimistic locking)."]}
            )
        return attrs


class CallChangeSerializer(CallWriteSerializer):
    """A PATCH: the fields of a call, and its cancellation."""

    cancellation_reason = StrictCharField(
        required=False,
        max_length=MAX_REASON_LENGTH,
        help_text="Cancels the call from now on, with this reason shown to applicants (as in "
        "the NCP area). A cancellation cannot be undone.",
    )

    class Meta(CallWriteSerializer.Meta):
        fields = [*CallWriteSerializer.Meta.fields, "cancellation_reason"]


def _unexpected_fields(data, fields) -> dict[str, list[str]]:
    if not isinstance(data, Mapping):
        return {}
    shown = set(CallSerializer().fields)
    return {
        name: ["This field is read-only." if name in shown else "Unknown field."]
        for name in data
        if name not in fields
    }


def call_create_from(data: dict, *, user) -> Call:
    return services.call_create(
        user=user,
        fields={name: data[name] for name in EDITABLE_FIELDS if name in data},
        deadlines=[DeadlineInput(d["due_at"], d.get("label", "")) for d in data["deadlines"]],
        objectives=data.get("objectives", []),
        published_at=data.get("published_at"),
        eligibility=_eligibility(data),
    )


def _eligibility(data: dict) -> dict:
    """Who can apply and the themes, as given (the others are left as they are)."""
    return {name: data[name] for name in ELIGIBILITY_FIELDS if name in data}


@transaction.atomic
def call_update_from(call: Call, data: dict, *, user) -> Call:
    """Apply a PATCH: the edit (if any), then publication and cancellation (if asked), from
    `version`."""
    version = data["version"]
    fields = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    eligibility = _eligibility(data)
    publishing = "published_at" in data and data["published_at"] != call.published_at
    cancelling = "cancellation_reason" in data
    editing = fields or eligibility or "deadlines" in data or "objectives" in data
    if editing or not (publishing or cancelling):
        call = services.call_update(
            call=call,
            user=user,
            expected_version=version,
            fields=fields,
            deadlines=_deadlines(call, data.get("deadlines")),
            objectives=data.get("objectives", [o.text for o in call.objectives.all()]),
            eligibility=eligibility,
        )
        version = call.version
    if publishing and data["published_at"] is not None:
        call = services.call_publish(
            call=call, user=user, at=data["published_at"], expected_version=version
        )
    elif publishing:
        call = services.call_unpublish(call=call, user=user, expected_version=version)
    if cancelling:
        version = call.version if publishing else version
        call = services.call_cancel(
            call=call, user=user, reason=data["cancellation_reason"], expected_version=version
        )
    return call


def _deadlines(call: Call, wanted: list[dict] | None) -> list[DeadlineInput]:
    """The deadlines to write. Without an `id`, one at the moment of an existing one keeps
    it (not recorded as removed and added); without a `label`, a kept one keeps its own."""
    current = {d.pk: d for d in call.deadlines.all()}
    if wanted is None:
        return [DeadlineInput(d.due_at, d.label, d.pk) for d in current.values()]
    by_moment = {d.due_at: d for d in current.values()}
    inputs = []
    for item in wanted:
        kept = current.get(item.get("id")) or by_moment.get(item["due_at"])
        label = item.get("label", kept.label if kept else "")
        inputs.append(DeadlineInput(item["due_at"], label, kept.pk if kept else None))
    return inputs
