"""How long a page stays true: a view says when what it shows changes by itself (a call
opening, a deadline passing), and the project's shared-cache middleware
(portal/http_cache.py) keeps no shared copy past that moment."""

from datetime import datetime


def fresh_until(request, moment: datetime | None) -> None:
    """Let no shared copy of this page outlive `moment` (a call opening or a deadline
    passing changes what its page says). The earliest moment given wins."""
    if moment is None:
        return
    known = freshness_limit(request)
    request._fresh_until = moment if known is None else min(known, moment)


def freshness_limit(request) -> datetime | None:
    """The earliest moment given to `fresh_until` for this request, or None."""
    return getattr(request, "_fresh_until", None)
