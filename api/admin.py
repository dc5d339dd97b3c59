"""API keys in the admin: creating one shows its secret once; revoking is an action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return ["name", "user"] if obj is None else ["name", "user", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        secret = obj.set_secret()
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            _("The key for “%(name)s” is %(secret)s — copy it now: it is not stored and will "
              "not be shown again.") % {"name": obj.name, "secret": secret},
            messages.WARNING,
        )  # fmt: skip

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = queryset.revoke()
        self.message_user(request, ngettext("%d key revoked.", "%d keys revoked.", count) % count)
