"""Where the portal may send a webhook: no request forgery towards its own network.

A partner chooses the URL, so the portal must not become a way into what only it can
reach (its database, Redis, a cloud's metadata service at 169.254.169.254). A URL is
checked when it is registered and again at every delivery: its host is resolved, every
address must be public, and the request goes to the address that was checked (the
connection is pinned to it; a DNS answer that changes in between does not matter).
Redirects are never followed, and every step has a short timeout (delivery.py).

`https` only, unless DEBUG (development); loopback addresses only with
WEBHOOKS_ALLOW_LOOPBACK=true (development, tests and the benchmark), and then plain `http`
too, since a receiver on the same machine has no certificate. Private, link-local,
multicast and reserved addresses never.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class UnsafeUrl(ValueError):
    """The portal will not send to this URL; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to `address`, speak to `host` (Host header, TLS name)."""

    scheme: str
    host: str
    port: int
    address: str
    path: str


def resolve_target(url: str) -> Target:
    """The address to deliver `url` to, or UnsafeUrl. Resolves the host name (DNS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise UnsafeUrl(_("The URL must start with https://."))
    if not parts.hostname:
        raise UnsafeUrl(_("The URL has no host name."))
    if parts.username or parts.password:
        raise UnsafeUrl(_("The URL may not carry a user name or password."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeUrl(_("The URL's port is not valid.")) from None
    addresses = _resolve(parts.hostname, port)
    for address in addresses:
        check_address(address)
    if parts.scheme == "http" and not (settings.DEBUG or all(a.is_loopback for a in addresses)):
        raise UnsafeUrl(_("The URL must start with https://."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, str(addresses[0]), path)


def check_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    """UnsafeUrl unless the portal may connect to `address`."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        if settings.WEBHOOKS_ALLOW_LOOPBACK:
            return
        raise UnsafeUrl(_("The URL leads to a loopback address (%s).") % address)
    if address.is_link_local:
        raise UnsafeUrl(_("The URL leads to a link-local address (%s).") % address)
    if address.is_private or address.is_multicast or not address.is_global:
        raise UnsafeUrl(_("The URL leads to a private or reserved address (%s).") % address)


def _resolve(host: str, port: int) -> list:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeUrl(_("The URL's host name does not resolve.")) from None
    addresses = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeUrl(_("The URL's host name does not resolve."))
    return addresses
