"""Conditional requests: `ETag` and `Last-Modified` on every JSON read, 304 when unchanged.

The choice: the ETag is a hash of the response body, not a summary of the rows such
as max(updated_at) and count. A call's representation changes without its row
changing: its status and `closes_at` move when a deadline passes, its programme's
themes or eligible participants change in another table, a call leaves a filtered
list when it closes. A hash of what is sent is right in every such case, and costs
microseconds next to building the page (no query). The server still builds the
response for a 304; what the client saves is the transfer and its own processing.

`Last-Modified` is the moment the portal first sent that exact body (kept in the
cache under the ETag for 30 days). It is never earlier than the content, so
`If-Modified-Since` never answers 304 wrongly; a cache that was emptied only makes
it later (a full answer instead of a 304), and so does a cache that cannot be reached:
the moment is then "now", logged, and the API keeps serving. HTTP dates count whole seconds, so
`If-None-Match` is the more precise of the two; when both are sent, it wins (RFC 9110).
"""

import hashlib
import logging
from datetime import UTC, datetime

from django.core.cache import cache
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag

from foundation.counters import CACHE_ERRORS

FIRST_SEEN_TIMEOUT = 30 * 24 * 3600
logger = logging.getLogger(__name__)


def body_etag(body: bytes) -> str:
    return quote_etag(hashlib.blake2b(body, digest_size=16).hexdigest())


def first_seen(etag: str) -> int:
    """When a body with this ETag was first sent, in whole seconds since the epoch."""
    now = int(datetime.now(UTC).timestamp())
    try:
        return cache.get_or_set(f"api:first-seen:{etag}", now, FIRST_SEEN_TIMEOUT) or now
    except CACHE_ERRORS as error:
        logger.warning("Last-Modified taken as now, the cache is unreachable: %s", error)
        return now


def conditional_response(request, response):
    """`response` (rendered, 200) with its validators, or a 304 if the client has it."""
    etag = body_etag(response.content)
    last_modified = first_seen(etag)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    # Caches may keep a copy but must ask again each time; answers differ by format and key.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ("Accept", "Authorization"))
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
