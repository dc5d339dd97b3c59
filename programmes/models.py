"""Funds, their programmes, and the people applicants can ask about them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from programmes.phones import phone_e164
from programmes.validators import (
    validate_identifier_prefix,
    validate_line_characters,
    validate_text_characters,
)

PHONE_HELP = _(
    "With its country code, e.g. +32 2 299 11 11; a national contact point's own numbers "
    "may leave it out. Stored in international form."
)


class OrderedText(models.Model):
    """One item of an ordered list shown as bullets (objectives, actions, priorities)."""

    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("text"), validators=[validate_line_characters])

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text


class Organisation(models.Model):
    """An implementer, a Commission directorate-general or an EU agency."""

    class Kind(models.TextChoices):
        IMPLEMENTER = "implementer", _("Implementer")
        DIRECTORATE_GENERAL = "dg", _("Directorate-General of the European Commission")
        EU_BODY = "eu-body", _("EU agency or service")

    acronym = models.CharField(_("acronym"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.acronym


class Fund(models.Model):
    """An EU fund or financing instrument (AMIF, ISF-Police, NDICI-Global Europe ...)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    call_prefix = models.CharField(
        _("call identifier prefix"),
        max_length=20,
        blank=True,
        validators=[validate_identifier_prefix],
        help_text=_("First segment of the identifier codes of this fund's calls, e.g. AMIF."),
    )
    description = models.TextField(_("description"), blank=True)
    managing_dg = models.ForeignKey(
        Organisation,
        verbose_name=_("managing DG"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_funds",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")

    def __str__(self) -> str:
        return self.code


class Theme(models.Model):
    """A thematic category shared by programmes, calls and initiatives."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class ParticipantType(models.Model):
    """A kind of organisation that may apply (NGOs, Central Government ...)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("eligible participant type")
        verbose_name_plural = _("eligible participant types")

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    """A national or EU office that answers applicants' questions about programmes."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("National contact point")
        EU = "eu", _("EU contact point")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level)
    name = models.CharField(_("name"), max_length=200)
    country = CountryField(_("country"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contact_points",
    )
    phone = models.CharField(
        _("telephone"), max_length=40, blank=True, help_text=PHONE_HELP
    )  # E.164 (programmes/phones.py)
    phone_note = models.CharField(
        _("telephone note"), max_length=120, blank=True, help_text=_("e.g. Commission switchboard")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        blank=True,
        related_name="contact_points",
        help_text=_("People of this contact point who edit its programmes' calls."),
    )

    history = HistoricalRecords(excluded_fields=["members"])

    class Meta:
        ordering = ["level", "country", "name"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.CheckConstraint(
                condition=Q(level="eu") | ~Q(country=""),
                name="national_contact_point_has_country",
                violation_error_message=_("A national contact point needs a country."),
            ),
        ]

    def __str__(self) -> str:
        if self.level == self.Level.NATIONAL:
            return f"{self.name} ({self.country.code})"
        return self.name

    def clean(self) -> None:
        """The telephone in E.164, a national number read as one of the point's country."""
        super().clean()
        self.phone = _phone_e164(self.phone, self.country.code)


class ContactPerson(models.Model):
    contact_point = models.ForeignKey(
        ContactPoint, on_delete=models.CASCADE, related_name="persons"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=120)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    phone = models.CharField(
        _("telephone"), max_length=40, blank=True, help_text=PHONE_HELP
    )  # E.164 (programmes/phones.py)
    email = models.EmailField(_("e-mail"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The telephone in E.164, a national number read as one of the contact point's
        country (none yet: the number needs its country code)."""
        super().clean()
        point = self.contact_point if self.contact_point_id else None
        self.phone = _phone_e164(self.phone, point.country.code if point else "")


def _phone_e164(text: str, region: str) -> str:
    try:
        return phone_e164(text, region)
    except ValidationError as error:
        raise ValidationError({"phone": error}) from error


class ProgrammeQuerySet(models.QuerySet):
    def managed_by(self, user) -> "ProgrammeQuerySet":
        """Programmes whose calls `user` edits: through the contact points they belong to
        (all of them for a superuser)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(contact_points__members=user).distinct()


class Programme(models.Model):
    """A fund's programme for one programming period, e.g. AMIF 2021-2027."""

    fund = models.ForeignKey(
        Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="programmes"
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_line_characters])
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    period_start = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    budget = models.DecimalField(
        _("total budget (EUR)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    summary = models.TextField(_("summary"), blank=True, validators=[validate_text_characters])
    description = models.TextField(
        _("description"), blank=True, validators=[validate_text_characters]
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("thematic categories"), blank=True, related_name="programmes"
    )
    eligible_participants = models.ManyToManyField(
        ParticipantType,
        verbose_name=_("eligible participant types"),
        blank=True,
        related_name="programmes",
    )
    contact_points = models.ManyToManyField(
        ContactPoint, verbose_name=_("contact points"), blank=True, related_name="programmes"
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["fund__code", "-period_start", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="programme_period_in_order",
                violation_error_message=_("The last year cannot come before the first year."),
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0),
                name="programme_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programme_detail", args=[self.slug])

    @property
    def period(self) -> str:
        if self.period_start and self.period_end:
            return f"{self.period_start}-{self.period_end}"
        return ""


class SpecificObjective(OrderedText):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectives")

    class Meta(OrderedText.Meta):
        verbose_name = _("specific objective")
        verbose_name_plural = _("specific objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="unique_programme_objective_position"
            )
        ]


class FundableAction(OrderedText):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")

    class Meta(OrderedText.Meta):
        verbose_name = _("fundable action")
        verbose_name_plural = _("fundable actions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "position"], name="unique_programme_action_position"
            )
        ]
