"""API keys in the admin: creating one shows its secret once; revoking is an action."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.models import ApiKey
from api.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint
from api.webhooks.services import delivery_redeliver, endpoint_check, endpoint_save


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
            _(
                "The key for “%(name)s” is %(secret)s — copy it now: it is not stored and will "
                "not be shown again."
            )
            % {"name": obj.name, "secret": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        count = queryset.revoke()
        self.message_user(request, ngettext("%d key revoked.", "%d keys revoked.", count) % count)


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "events", "description", "owner_email", "api_key"]

    def clean(self):
        cleaned = super().clean()
        endpoint = WebhookEndpoint(url=cleaned.get("url", ""), events=cleaned.get("events", []))
        try:
            endpoint_check(endpoint)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages_)
        return cleaned


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Staff register endpoints for partners; the secret is shown once, at creation."""

    form = WebhookEndpointForm
    list_display = ["url", "owner_email", "api_key", "created_at", "failing_since", "disabled_at"]
    list_filter = [("disabled_at", admin.EmptyFieldListFilter)]
    search_fields = ["url", "owner_email", "description"]
    list_select_related = ["api_key"]
    readonly_fields = ["created_at", "failing_since", "disabled_at", "disabled_reason"]
    actions = ["enable", "disable"]

    def save_model(self, request, obj, form, change):
        endpoint_save(obj)
        if not change:
            self.message_user(
                request,
                _(
                    "The signing secret of %(url)s is %(secret)s — copy it now: it will not be "
                    "shown again."
                )
                % {"url": obj.url, "secret": obj.secret},
                messages.WARNING,
            )

    @admin.action(description=_("Enable the selected endpoints"))
    def enable(self, request, queryset):
        for endpoint in queryset:
            endpoint_save(endpoint, enabled=True)

    @admin.action(description=_("Disable the selected endpoints"))
    def disable(self, request, queryset):
        for endpoint in queryset:
            endpoint_save(endpoint, enabled=False)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "state", "attempts", "last_status", "created_at"]
    list_filter = ["state"]
    list_select_related = ["event", "endpoint"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Deliver the selected events again"))
    def redeliver(self, request, queryset):
        for delivery in queryset.filter(endpoint__disabled_at__isnull=True):
            delivery_redeliver(delivery)
