"""What the API sends for each resource, and what it accepts for a call.

Read serializers only describe and format: every value comes from a model, property
or queryset method. A call is written by api.call_representation (its status from
`calls.models.status_from`, the rule of `Call.status_at`); `CallSerializer` declares
its fields, the contract the OpenAPI schema shows, and a test keeps the two equal.
"""

from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calls.models import (
    CallStatus,
    DeadlineModel,
    Source,
    TypeOfAction,
)
from foundation.site import absolute_url
from programmes.models import ContactPoint, Fund, Programme
from projects.models import Country, Initiative, NewsItem, Region


class NamedSerializer(serializers.Serializer):
    """A theme or participant type: `{"slug": ..., "name": ...}`."""

    slug = serializers.SlugField()
    name = serializers.CharField()


class DeadlineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Send it back in a PATCH to move this deadline.")
    due_at = serializers.DateTimeField(help_text="When submission closes (ISO 8601, with offset).")
    label = serializers.CharField(help_text="e.g. First stage; often empty.")


# Where a call's participant types and themes come from: its own list, else its programme's.
FACET_SOURCES = [("call", "The call's own"), ("programme", "The programme's")]
COUNTRY_CHOICES = [code for code, _name in countries]


class CallSerializer(serializers.Serializer):
    """The fields of a call as the API sends them, for the schema and the write
    serializers' checks; api.call_representation writes them."""

    identifier = serializers.CharField(help_text="The EU identifier code; the call's key.")
    code = serializers.IntegerField(
        allow_null=True, help_text="The numeric id in the source portal; null for none."
    )
    parent_identifier = serializers.CharField(help_text="For a topic, its call; else empty.")
    title = serializers.CharField()
    summary = serializers.CharField()
    description = serializers.CharField(
        help_text="Plain text: paragraphs split by a blank line; '- ' starts a bullet."
    )
    objectives = serializers.ListField(child=serializers.CharField())
    status = serializers.ChoiceField(
        choices=CallStatus.choices, help_text="At the time of the request."
    )
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField(
        allow_null=True, help_text="The next deadline, or the last one once the call has closed."
    )
    deadlines = DeadlineSerializer(many=True)
    programme = serializers.SlugField(help_text="The programme's slug.")
    fund = serializers.CharField(help_text="The fund's code.")
    type_of_action = serializers.ChoiceField(
        choices=[*TypeOfAction.choices, ("", "Not given")], allow_blank=True
    )
    budget = serializers.DecimalField(
        max_digits=15, decimal_places=2, allow_null=True, help_text="EUR, as a decimal string."
    )
    eligible = NamedSerializer(
        many=True,
        help_text="Participant types who may apply: the call's own, else its programme's "
        "(`eligible_source` says which).",
    )
    eligible_source = serializers.ChoiceField(
        choices=FACET_SOURCES, help_text="Whose list `eligible` is: the call's or the programme's."
    )
    eligible_countries = serializers.ListField(
        child=serializers.ChoiceField(choices=COUNTRY_CHOICES),
        help_text="ISO 3166-1 alpha-2 codes of the countries where applicants must be "
        "established; empty: not restricted.",
    )
    themes = NamedSerializer(
        many=True,
        help_text="The call's own thematic categories, else its programme's "
        "(`themes_source` says which).",
    )
    themes_source = serializers.ChoiceField(
        choices=FACET_SOURCES, help_text="Whose list `themes` is: the call's or the programme's."
    )
    url = serializers.URLField(help_text="The call's public page.")
    published_at = serializers.DateTimeField(
        allow_null=True, help_text="Null for a draft (only its editors' keys see drafts)."
    )
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancellation_reason = serializers.CharField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Send it back in a PATCH (optimistic locking).")
    # What the EU Funding & Tenders Portal (F&T) gives of a topic, and what NCPs add to it.
    source = serializers.ChoiceField(
        choices=Source.choices,
        help_text="ft: imported from the EU Funding & Tenders Portal, which owns its fields; "
        "portal: entered here.",
    )
    action_code = serializers.CharField(help_text="F&T's type of action code, e.g. AMIF-PJG.")
    action_label = serializers.CharField(help_text="F&T's type of action, in words.")
    deadline_model = serializers.ChoiceField(
        choices=[*DeadlineModel.choices, ("", "Not given")],
        allow_blank=True,
        help_text="With two-stage and multiple cut-off, one deadline per stage or cut-off.",
    )
    budget_by_year = serializers.DictField(
        child=serializers.DecimalField(max_digits=15, decimal_places=2),
        help_text='EUR per year, e.g. {"2026": "3000000.00"}; `budget` is their total.',
    )
    budget_is_shared = serializers.BooleanField(
        help_text="The budget is the call's, shared with its other topics."
    )
    expected_grants = serializers.IntegerField(allow_null=True)
    min_contribution = serializers.DecimalField(
        max_digits=15, decimal_places=2, allow_null=True, help_text="EUR per grant."
    )
    max_contribution = serializers.DecimalField(
        max_digits=15, decimal_places=2, allow_null=True, help_text="EUR per grant."
    )
    keywords = serializers.ListField(child=serializers.CharField())
    official_url = serializers.CharField(help_text="The official topic page; may be empty.")
    apply_url = serializers.CharField(help_text="Where to apply; may be empty.")
    description_html = serializers.CharField(
        help_text="The description as HTML, sanitised through an allow-list; may be empty."
    )
    national_note = serializers.CharField(help_text="Added by national contact points.")
    ft_ccm2_id = serializers.CharField(help_text="F&T's topic id (ccm2Id); may be empty.")
    ft_call_ccm2_id = serializers.CharField(help_text="F&T's call id (callccm2Id).")
    ft_reference = serializers.CharField(help_text="F&T's record reference.")
    ft_status = serializers.ChoiceField(
        choices=[*CallStatus.choices, ("", "Not given")],
        allow_blank=True,
        help_text="F&T's own status: a hint, possibly stale; `status` follows the dates.",
    )
    ft_last_seen_at = serializers.DateTimeField(allow_null=True)
    ft_missing_since = serializers.DateTimeField(
        allow_null=True, help_text="Set when F&T no longer lists the topic; it is kept."
    )


class FundSerializer(serializers.ModelSerializer):
    managing_dg = serializers.SlugRelatedField(
        slug_field="acronym",
        read_only=True,
        allow_null=True,
        help_text="The managing DG's acronym.",
    )

    class Meta:
        model = Fund
        fields = ["code", "name", "call_prefix", "description", "managing_dg"]


class ProgrammeSerializer(serializers.ModelSerializer):
    fund = serializers.SlugRelatedField(slug_field="code", read_only=True)
    themes = NamedSerializer(many=True)
    eligible = NamedSerializer(many=True, source="eligible_participants")
    objectives = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    actions = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    contact_points = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Programme
        fields = [
            "slug",
            "title",
            "fund",
            "period_start",
            "period_end",
            "budget",
            "summary",
            "description",
            "objectives",
            "actions",
            "themes",
            "eligible",
            "contact_points",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, programme: Programme) -> str:
        return absolute_url(programme.get_absolute_url())


COUNTRY_CODE = {"type": "string", "pattern": "^[A-Z]{2}$", "example": "TR"}


@extend_schema_field(COUNTRY_CODE)
class CountryCodeField(serializers.Field):
    """A django-countries value as its ISO 3166-1 alpha-2 code ("" when none)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return value.code or ""


@extend_schema_field({"type": "string", "pattern": "^([A-Z]{2})?$"})
class OptionalCountryCodeField(CountryCodeField):
    pass


@extend_schema_field({"type": "array", "items": COUNTRY_CODE})
class CountryCodesField(serializers.Field):
    """Related `Country` rows (prefetched) as a list of ISO codes."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, countries) -> list[str]:
        return [country.code.code for country in countries.all()]


class CountrySerializer(serializers.ModelSerializer):
    code = CountryCodeField(help_text="ISO 3166-1 alpha-2.")
    name = serializers.CharField()
    region = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Country
        fields = ["code", "name", "region", "description", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, country: Country) -> str:
        return absolute_url(country.get_absolute_url())


class RegionSerializer(serializers.ModelSerializer):
    countries = CountryCodesField()

    class Meta:
        model = Region
        fields = ["slug", "name", "position", "description", "countries"]


class InitiativeSerializer(serializers.ModelSerializer):
    implementer = serializers.SlugRelatedField(
        slug_field="acronym", read_only=True, allow_null=True
    )
    managing_dg = serializers.SlugRelatedField(
        slug_field="acronym", read_only=True, allow_null=True
    )
    themes = NamedSerializer(many=True)
    countries = CountryCodesField()
    funding_sources = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text="Fund codes."
    )
    priorities = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    partner_actions = serializers.SlugRelatedField(slug_field="text", many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Initiative
        fields = [
            "slug",
            "title",
            "acronym",
            "implementer",
            "managing_dg",
            "summary",
            "description",
            "priorities",
            "partner_actions",
            "themes",
            "countries",
            "is_global",
            "starts_on",
            "ends_on",
            "budget",
            "funding_sources",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, initiative: Initiative) -> str:
        return absolute_url(initiative.get_absolute_url())


class NewsItemSerializer(serializers.ModelSerializer):
    initiative = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    countries = CountryCodesField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = NewsItem
        fields = [
            "slug",
            "title",
            "published_on",
            "is_featured",
            "body",
            "initiative",
            "countries",
            "url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item: NewsItem) -> str:
        return absolute_url(item.get_absolute_url())


PHONE_HELP = "Telephone in E.164, e.g. +3222991111 (pages show +32 2 299 11 11); empty if none."


class ContactPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    job_title = serializers.CharField()
    phone = serializers.CharField(help_text=PHONE_HELP)
    email = serializers.EmailField(allow_blank=True)


class ContactPointSerializer(serializers.ModelSerializer):
    country = OptionalCountryCodeField(help_text="ISO code; empty for an EU contact point.")
    organisation = serializers.SlugRelatedField(
        slug_field="acronym", read_only=True, allow_null=True
    )
    persons = ContactPersonSerializer(many=True)
    programmes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = ContactPoint
        fields = [
            "slug",
            "level",
            "name",
            "country",
            "organisation",
            "phone",
            "phone_note",
            "email",
            "website",
            "persons",
            "programmes",
        ]
        extra_kwargs = {"phone": {"help_text": PHONE_HELP}}
