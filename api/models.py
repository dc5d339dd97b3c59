"""API keys: partners send one as `Authorization: Bearer <key>`.

Only a SHA-256 hash of each key is stored. Keys are 32 random bytes, so a fast hash
is enough (there is nothing to guess, unlike a password), and it lets a request find
its key with one indexed lookup. The first characters (`prefix`) are kept in clear so
that staff can tell keys apart without seeing them.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

KEY_PREFIX = "mfp_"
# How often `last_used_at` is written: at most once a minute per key, not per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def active(self) -> "ApiKeyQuerySet":
        return self.filter(revoked_at__isnull=True)

    def revoke(self, *, at: datetime | None = None) -> int:
        """Revoke the keys not revoked yet; returns how many. One query."""
        return self.active().update(revoked_at=at or timezone.now())

    def find(self, key: str) -> "ApiKey | None":
        """The active key `key`, with its user. One query."""
        return self.active().select_related("user").filter(key_hash=hash_key(key)).first()


class ApiKey(models.Model):
    """A partner's key. With a user, it acts with that user's rights; without, it only reads."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it, for what."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_keys",
        help_text=_("The key acts with this user's rights. Empty: a read-only key."),
    )
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, *, name: str, user=None) -> tuple["ApiKey", str]:
        """A new saved key and its secret, which is not stored and cannot be shown again."""
        api_key = cls(name=name, user=user)
        secret = api_key.set_secret()
        api_key.full_clean()
        api_key.save()
        return api_key, secret

    def set_secret(self) -> str:
        """Give this (unsaved) key a new random secret; returns it."""
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = secret[:12]
        self.key_hash = hash_key(secret)
        return secret

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def can_write(self) -> bool:
        return self.user_id is not None

    def record_use(self, *, at: datetime | None = None) -> None:
        """Note that the key was used; writes at most once per LAST_USED_PRECISION."""
        at = at or timezone.now()
        if self.last_used_at and at - self.last_used_at < LAST_USED_PRECISION:
            return
        # A conditional UPDATE: concurrent requests do not write it twice.
        stale = models.Q(last_used_at__isnull=True) | models.Q(
            last_used_at__lt=at - LAST_USED_PRECISION
        )
        ApiKey.objects.filter(stale, pk=self.pk).update(last_used_at=at)
        self.last_used_at = at


# The partners' webhooks and bulk extracts, in modules of their own.
from api.extracts.models import Extract  # noqa: E402
from api.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent  # noqa: E402

__all__ = ["ApiKey", "Extract", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent"]
