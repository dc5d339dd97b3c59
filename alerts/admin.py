"""Alerts in the admin: who follows what, and every e-mail owed with its state.

Failed e-mails show their last error; the retry action sends them again. Subscribers
are deleted, not edited: deleting one removes the address and all that hangs on it.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alerts.models import Notification, Subscriber, Subscription
from alerts.services import notifications_retry, subscriptions_search_retry


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["call", "programme", "search", "created_at", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = True
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "created_at", "last_digest_on"]
    list_filter = ["language"]
    search_fields = ["email"]
    readonly_fields = ["email", "language", "created_at", "last_digest_on"]
    fields = readonly_fields
    inlines = [SubscriptionInline]

    def has_add_permission(self, request):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = [
        "subscriber",
        "call",
        "programme",
        "search",
        "created_at",
        "confirmed_at",
        "search_failed_at",
    ]
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("search_failed_at", admin.EmptyFieldListFilter),
        "programme",
    ]
    search_fields = ["subscriber__email", "call__identifier", "search"]
    list_select_related = ["subscriber", "call", "programme"]
    readonly_fields = [
        "subscriber",
        "call",
        "programme",
        "search",
        "created_at",
        "confirmed_at",
        "confirmation_queued_at",
        "confirmation_sent_at",
        "search_failed_at",
        "search_error",
    ]
    fields = readonly_fields
    actions = ["retry_search"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Run the selected failed saved searches again"))
    def retry_search(self, request, queryset):
        count = subscriptions_search_retry(subscriptions=queryset)
        self.message_user(
            request,
            ngettext("%d saved search will run again.", "%d saved searches will run again.", count)
            % count,
        )


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "call",
        "subscriber",
        "remind_days",
        "state",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["subscription__subscriber__email", "call__identifier"]
    list_select_related = ["call", "subscription__subscriber"]
    readonly_fields = [
        "subscription",
        "call",
        "kind",
        "slot",
        "due_at",
        "remind_days",
        "change",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "queued_at",
        "sent_at",
    ]
    fields = readonly_fields
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("subscriber"), ordering="subscription__subscriber__email")
    def subscriber(self, notification: Notification) -> str:
        return notification.subscription.subscriber.email

    @admin.action(description=_("Send the selected e-mails again"))
    def retry(self, request, queryset):
        count = notifications_retry(notifications=queryset)
        self.message_user(
            request, ngettext("%d e-mail queued again.", "%d e-mails queued again.", count) % count
        )
