"""The portal's public address (SITE_URL), for links made outside a request: e-mails,
the API, calendar files."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` ("/calls/...") on the public site."""
    return settings.SITE_URL + path


def site_host() -> str:
    """The public site's host name, for identifiers such as Message-IDs and calendar UIDs."""
    return urlsplit(settings.SITE_URL).hostname
