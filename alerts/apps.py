from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Alerts and reminders")

    def ready(self) -> None:
        from alerts.embedded import sweep_after_call_change
        from calls.models import CallChange

        post_save.connect(sweep_after_call_change, sender=CallChange, dispatch_uid="alerts-sweep")
