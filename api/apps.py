from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The partner REST API (/api/v1/) and its keys."""

    name = "api"
    verbose_name = _("Partner API")
