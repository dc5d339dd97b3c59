from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls for proposals")

    def ready(self) -> None:
        # The rules register themselves with django-rules on import.
        from calls import permissions  # noqa: F401
        from calls.filter_choices import forget, forget_action_codes
        from calls.models import Call
        from programmes.models import Fund, ParticipantType, Programme, Theme

        forget(Fund, Programme, ParticipantType, Theme)
        post_save.connect(forget_action_codes, sender=Call, dispatch_uid="forget-action-codes")
