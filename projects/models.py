"""Initiatives run by implementers, the news about them, and where EU funding reaches."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from programmes.models import Fund, OrderedText, Organisation, Theme
from programmes.validators import validate_line_characters, validate_text_characters


class Region(models.Model):
    """A group of partner countries the EU works with as one (Western Balkans ...)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class CountryQuerySet(models.QuerySet):
    def with_initiative_counts(self) -> "CountryQuerySet":
        return self.annotate(initiative_count=models.Count("initiatives", distinct=True))


class Country(models.Model):
    """A country the portal has something about: initiatives, support, news, contacts."""

    code = CountryField(_("country"), unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="countries",
    )
    description = models.TextField(_("EU support"), blank=True)

    objects = CountryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return str(self.code.name)

    def get_absolute_url(self) -> str:
        return reverse("country_detail", args=[self.code.code])

    @property
    def name(self) -> str:
        return str(self.code.name)


class InitiativeQuerySet(models.QuerySet):
    def active(self, *, on: date) -> "InitiativeQuerySet":
        """Initiatives whose period includes the day `on` (an open end counts as ongoing)."""
        started = Q(starts_on__isnull=True) | Q(starts_on__lte=on)
        not_ended = Q(ends_on__isnull=True) | Q(ends_on__gte=on)
        return self.filter(started & not_ended)


class Initiative(models.Model):
    """A programme of work run by an implementer, such as ICMPD's Migration Partnership Facility."""

    title = models.CharField(_("title"), max_length=300, validators=[validate_line_characters])
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    implementer = models.ForeignKey(
        Organisation,
        verbose_name=_("implementer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implemented_initiatives",
    )
    managing_dg = models.ForeignKey(
        Organisation,
        verbose_name=_("managing DG"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_initiatives",
    )
    summary = models.TextField(_("summary"), blank=True, validators=[validate_text_characters])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_text_characters]
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="initiatives"
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="initiatives"
    )
    is_global = models.BooleanField(
        _("global"), default=False, help_text=_("Also works beyond the countries listed.")
    )
    # Sources give periods by month: the first day of the first month and the
    # last day of the last month, so "active on a date" is a plain range test.
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    funding_sources = models.ManyToManyField(
        Fund, verbose_name=_("funding sources"), blank=True, related_name="initiatives"
    )

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="initiative_period_in_order",
                violation_error_message=_("The end cannot come before the start."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="initiative_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        if self.acronym and self.acronym != self.title:
            return f"{self.acronym}: {self.title}"
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiative_detail", args=[self.slug])

    def is_active_on(self, day: date) -> bool:
        """The Python form of `InitiativeQuerySet.active()`."""
        return (self.starts_on is None or self.starts_on <= day) and (
            self.ends_on is None or day <= self.ends_on
        )


class InitiativePriority(OrderedText):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="priorities")

    class Meta(OrderedText.Meta):
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "position"], name="unique_initiative_priority_position"
            )
        ]


class PartnerAction(OrderedText):
    """Something partners can do through an initiative."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="partner_actions"
    )

    class Meta(OrderedText.Meta):
        verbose_name = _("what partners can do")
        verbose_name_plural = _("what partners can do")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "position"], name="unique_initiative_partner_action_position"
            )
        ]


class NewsItemQuerySet(models.QuerySet):
    def for_listing(self) -> "NewsItemQuerySet":
        return self.select_related("initiative").prefetch_related("countries")


class NewsItem(models.Model):
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    title = models.CharField(_("title"), max_length=300, validators=[validate_line_characters])
    published_on = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Featured stories may carry no date.")
    )
    is_featured = models.BooleanField(_("featured"), default=False)
    body = models.TextField(_("body"), validators=[validate_text_characters])
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news",
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="news"
    )

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        ordering = [models.F("published_on").desc(nulls_last=True), "title"]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("news_detail", args=[self.slug])


class SupportFigure(models.Model):
    """An amount of EU support for a region, countries or an initiative, as a source states it."""

    class Qualifier(models.TextChoices):
        EXACTLY = "", _("exactly")
        MORE_THAN = "more-than", _("more than")
        CLOSE_TO = "close-to", _("close to")
        ALMOST = "almost", _("almost")

    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_figures",
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="support_figures"
    )
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_figures",
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=20, choices=Qualifier, blank=True, default=Qualifier.EXACTLY
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=15, decimal_places=2)
    instrument = models.ForeignKey(
        Fund,
        verbose_name=_("instrument"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_figures",
    )
    period = models.CharField(
        _("year or period"), max_length=60, blank=True, help_text=_("e.g. 2024, since 2021")
    )
    description = models.CharField(_("description"), max_length=300)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("support figure")
        verbose_name_plural = _("support figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="support_figure_amount_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=False) | Q(initiative__isnull=False),
                name="support_figure_has_subject",
                violation_error_message=_("A support figure belongs to a region or an initiative."),
            ),
        ]

    def __str__(self) -> str:
        return self.description
