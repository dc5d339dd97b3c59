"""Rate limits: anonymous clients per address, keys per key (settings API_THROTTLE_*).

Over the limit, DRF answers 429 with `Retry-After` (seconds). Counters live in the
cache (Redis in production, shared by every worker) and are counted atomically per
fixed window (foundation/counters.py). With the cache down, requests are let through and
the log says so: the API keeps serving.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from foundation.counters import window_count, window_left


class AnonThrottle(SimpleRateThrottle):
    """Requests without a key, counted per client address (settings.API_THROTTLE_ANON)."""

    scope = "anon"

    def get_rate(self) -> str:
        # SimpleRateThrottle reads its rates once, at import; a throttle is made per
        # request, so reading them here follows the settings.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view) -> str | None:
        if request.auth is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        """One atomic count per request; True when the cache cannot count (fail open)."""
        self.key = self.get_cache_key(request, view)
        if self.rate is None or self.key is None:
            return True
        count = window_count(self.key, self.duration)
        return count is None or count <= self.num_requests

    def wait(self) -> int:
        return window_left(self.duration)


class KeyThrottle(AnonThrottle):
    """Requests with a key, counted per key (settings.API_THROTTLE_KEY)."""

    scope = "key"

    def get_cache_key(self, request, view) -> str | None:
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
