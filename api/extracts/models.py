"""A bulk extract: one gzip file written by the daily task, listed at /api/v1/extracts/."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Extract(models.Model):
    class Dataset(models.TextChoices):
        CALLS = "calls", _("Calls")
        INITIATIVES = "initiatives", _("Initiatives")

    class Format(models.TextChoices):
        JSONL = "jsonl", _("JSON Lines")
        CSV = "csv", _("CSV")

    dataset = models.CharField(_("dataset"), max_length=20, choices=Dataset)
    format = models.CharField(_("format"), max_length=10, choices=Format)
    made_on = models.DateField(_("date"))
    file_name = models.CharField(_("file name"), max_length=200, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    records = models.PositiveIntegerField(_("records"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-made_on", "dataset", "format"]
        verbose_name = _("bulk extract")
        verbose_name_plural = _("bulk extracts")
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "format", "made_on"], name="unique_extract_per_day"
            )
        ]

    def __str__(self) -> str:
        return self.file_name
