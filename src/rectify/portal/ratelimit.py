"""Per-client rate limit for the public portal, counted in Django's cache.

With several app servers the cache must be shared (e.g. Redis) for the limit to be global;
with the default local-memory cache each process counts on its own.
"""

import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limited(*, per_minute: int, scope: str):
    """Refuse with 429 once a client made `per_minute` requests to `scope` this minute."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            window = int(time.time() // 60)
            key = f"rl:{scope}:{client_ip(request)}:{window}"
            if cache.add(key, 1, timeout=90):
                count = 1
            else:
                try:
                    count = cache.incr(key)
                except ValueError:
                    count = 1
            if count > per_minute:
                response = HttpResponse(_("Too many requests; try again in a minute."), status=429)
                response["Retry-After"] = "60"
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
