"""What the API sends for each resource, and what it accepts for a call.

Read serializers only describe and format: every value comes from a model, property
or queryset method (a call's status from `calls.models.status_from`, the rule of
`Call.status_at`). The call serializer writes its dict directly (see
`CallSerializer.represent`); its declared
fields are the contract the OpenAPI schema shows, and a test keeps the two equal.
"""

from datetime import UTC, datetime
from decimal import Context, Decimal
from functools import cache, cached_property

from django.urls import reverse
from django.utils import timezone
from django_countries import countries
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from calls.models import (
    Call,
    CallStatus,
    DeadlineModel,
    Source,
    TypeOfAction,
    closes_from,
    status_from,
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

    @cached_property
    def _url(self) -> str:
        """reverse() once, not per call: identifiers need no quoting ([A-Z0-9-])."""
        return absolute_url(reverse("call_detail", args=["IDENTIFIER"])).replace("IDENTIFIER", "{}")

    @cached_property
    def _datetime(self):
        """An aware datetime (as the ORM reads them) written as DRF's DateTimeField writes
        it: ISO 8601 in the current time zone, "Z" for UTC. The zone is looked up once, not
        per value, and each moment written once (calls share their days of opening,
        publication and deadlines) for some 130 dates a page; tests/api/test_calls.py holds
        the two equal."""
        zone = timezone.get_current_timezone()

        def iso(moment: datetime) -> str:
            local = moment.astimezone(zone)
            if local.utcoffset().seconds % 60:  # a local mean time (before 1892): not RFC 3339
                local = moment.astimezone(UTC)
            text = local.isoformat()
            return f"{text[:-6]}Z" if text.endswith("+00:00") else text

        return cache(iso)

    def _facets(self, programme) -> dict:
        """A programme's eligible participants and themes, built once per programme."""
        cache = self.__dict__.setdefault("_facets_of", {})
        if programme.pk not in cache:
            cache[programme.pk] = {
                "eligible": _named(programme.eligible_participants.all()),
                "themes": _named(programme.themes.all()),
            }
        return cache[programme.pk]

    def to_representation(self, call: Call) -> dict:
        """One call, from an instance with what `api.views.calls_to_represent` loads:
        `programme__fund` selected, `deadlines`, `objectives`, `eligible_participants` and
        `themes` prefetched, and the programmes' themes and eligible participants."""
        programme = call.programme
        values = {name: getattr(call, name) for name in CALL_VALUES}
        values |= {"programme_slug": programme.slug, "fund_code": programme.fund.code}
        values["eligible_countries"] = [country.code for country in call.eligible_countries]
        return self.represent(
            values,
            deadlines=[(d.pk, d.due_at, d.label) for d in call.deadlines.all()],
            objectives=[objective.text for objective in call.objectives.all()],
            facets=self._facets(programme),
            own={
                "eligible": _named(call.eligible_participants.all()),
                "themes": _named(call.themes.all()),
            },
        )

    def represent(
        self, call: dict, *, deadlines: list, objectives: list, facets: dict, own: dict
    ) -> dict:
        """One call, built directly from its values (CALL_VALUES, `programme_slug` and
        `fund_code`, `eligible_countries` as a list of codes), its deadlines as (id, due_at,
        label) in order, its objectives' texts, its programme's facets and its own
        (`eligible`, `themes`, each a list of slug and name): five times faster than field
        by field, and what the list builds from values without model instances
        (bench/api.py)."""
        at = self.context.get("at") or timezone.now()
        when = self._datetime
        dues = [due_at for _id, due_at, _label in deadlines]
        closes_at = closes_from(at, dues)
        status = status_from(
            at, opens_at=call["opens_at"], cancelled_at=call["cancelled_at"], dues=dues
        )
        budget, published_at, cancelled_at = (
            call["budget"],
            call["published_at"],
            call["cancelled_at"],
        )
        return {
            "identifier": call["identifier"],
            "code": call["code"],
            "parent_identifier": call["parent_identifier"],
            "title": call["title"],
            "summary": call["summary"],
            "description": call["description"],
            "objectives": objectives,
            "status": status.value,
            "opens_at": when(call["opens_at"]),
            "closes_at": when(closes_at) if closes_at else None,
            "deadlines": [
                {"id": pk, "due_at": when(due), "label": label} for pk, due, label in deadlines
            ],
            "programme": call["programme_slug"],
            "fund": call["fund_code"],
            "type_of_action": call["type_of_action"],
            "budget": None if budget is None else _budget(budget),
            **_facet("eligible", own, facets),
            "eligible_countries": call["eligible_countries"],
            **_facet("themes", own, facets),
            "url": self._url.format(call["identifier"]),
            "published_at": when(published_at) if published_at else None,
            "cancelled_at": when(cancelled_at) if cancelled_at else None,
            "cancellation_reason": call["cancellation_reason"],
            "updated_at": when(call["updated_at"]),
            "version": call["version"],
            **{name: call[name] for name in TOPIC_TEXTS},
            "budget_by_year": {
                year: _budget(Decimal(v)) for year, v in call["budget_by_year"].items()
            },
            "expected_grants": call["expected_grants"],
            **{name: _money(call[name]) for name in ("min_contribution", "max_contribution")},
            **{name: _moment(when, call[name]) for name in ("ft_last_seen_at", "ft_missing_since")},
        }


# The topic's columns written as they are stored.
TOPIC_TEXTS = (
    "source",
    "action_code",
    "action_label",
    "deadline_model",
    "budget_is_shared",
    "keywords",
    "official_url",
    "apply_url",
    "description_html",
    "national_note",
    "ft_ccm2_id",
    "ft_call_ccm2_id",
    "ft_reference",
    "ft_status",
)
# The call's own columns its representation reads (with its programme's slug and fund's code).
CALL_VALUES = (
    "identifier",
    "code",
    "parent_identifier",
    "title",
    "summary",
    "description",
    "opens_at",
    "type_of_action",
    "budget",
    "published_at",
    "cancelled_at",
    "cancellation_reason",
    "updated_at",
    "version",
    *TOPIC_TEXTS,
    "budget_by_year",
    "expected_grants",
    "min_contribution",
    "max_contribution",
    "ft_last_seen_at",
    "ft_missing_since",
    "eligible_countries",
)
_CENT = Decimal("0.01")
_MONEY = Context(prec=15)  # the budget's max_digits


def _budget(amount: Decimal) -> str:
    """An amount of EUR as DecimalField(max_digits=15, decimal_places=2) writes it, without
    the field's look-ups of settings for each of the some 40 amounts of a page
    (tests/api/test_calls.py holds the two equal)."""
    return format(amount.quantize(_CENT, context=_MONEY), "f")


def _facet(key: str, own: dict, facets: dict) -> dict:
    """Who may apply (`eligible`) or the themes: the call's own list, else the programme's,
    and which of the two it is (the rule of `Call.applicants` and `Call.theme_list`)."""
    if own[key]:
        return {key: own[key], f"{key}_source": "call"}
    return {key: facets[key], f"{key}_source": "programme"}


def _money(amount):
    return None if amount is None else _budget(amount)


def _moment(when, moment):
    return None if moment is None else when(moment)


def _named(rows) -> list[dict]:
    return [{"slug": row.slug, "name": row.name} for row in rows]


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
