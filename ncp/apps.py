from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NcpConfig(AppConfig):
    """The editing area of national contact points (/manage/)."""

    name = "ncp"
    verbose_name = _("National contact points' area")
