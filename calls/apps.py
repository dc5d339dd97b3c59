from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("Calls for proposals")

    def ready(self) -> None:
        # The rules register themselves with django-rules on import.
        from calls import permissions  # noqa: F401
