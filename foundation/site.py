"""The portal's public address (SITE_URL), the one source of every absolute link: e-mails,
the API, calendar files, feeds, the sitemap and robots.txt. `make run` sets it from HOST
and PORT; links never follow the Host header of a request."""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` ("/calls/...") on the public site."""
    return settings.SITE_URL + path


def site_host() -> str:
    """The public site's host name, for identifiers such as Message-IDs and calendar UIDs."""
    return urlsplit(settings.SITE_URL).hostname


def site_domain() -> str:
    """The public site's host and port ("127.0.0.1:8101"), as sitemaps name it."""
    return urlsplit(settings.SITE_URL).netloc


def site_scheme() -> str:
    return urlsplit(settings.SITE_URL).scheme
