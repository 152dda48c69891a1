"""Requests per visitor address, counted in the shared cache.

Pages that cost the server work for each request (a search, placing an order,
a lookup, an account made) are limited per client address: so many requests in
a window (settings.MARKET_RATE_LIMITS, "30/m"), then 429 Too Many Requests
with a Retry-After header and a page saying when to try again.

The counts live in the default cache: Redis in production, so every app server
counts together (docs/deploy.md). A window is fixed (the current minute, hour
...), one counter per address and window, which expires with it: one atomic
increment per request.

The address is REMOTE_ADDR, which cms.proxy makes the visitor's own behind
trusted proxies; a visitor's X-Forwarded-For counts for nothing. An IPv6
visitor usually holds a whole /64 network, so IPv6 addresses count per /64.

Requests the anonymous page cache answers (cms.page_cache) never reach the
view and are not counted: a cached page costs next to nothing. What is counted
is what renders: a search for words nobody searched for just now, say.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

# Seconds in the window each rate names: "10/s", "60/m", "100/h", "1000/d".
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
KEY_PREFIX = "ratelimit:"


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Read "30/m" (30 requests a minute) or "5/10m" (5 in ten minutes)."""
        count, _slash, period = text.strip().partition("/")
        digits = period[:-1] or "1"
        if not count.isdigit() or period[-1:] not in PERIODS or not digits.isdigit():
            raise ValueError(f"Not a rate: {text!r} (e.g. '30/m', '5/10m').")
        return cls(int(count), int(digits) * PERIODS[period[-1]])


def client_address(request) -> str:
    """Whom a request is counted against: its REMOTE_ADDR (the visitor's, see
    cms.proxy), an IPv6 address as its /64 network's first address."""
    address = request.META.get("REMOTE_ADDR", "")
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the window ends


def hit(scope: str, ident: str, rate: Rate, now: float | None = None) -> Verdict:
    """Count one request of `ident` under `scope` and say whether it is allowed."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"{KEY_PREFIX}{scope}:{digest}:{window}"
    retry_after = max(1, math.ceil((window + 1) * rate.seconds - now))
    # A little past the window's end, so a slow clock never revives a count.
    cache.add(key, 0, retry_after + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # Evicted between add and incr: count afresh.
        cache.set(key, 1, retry_after + 1)
        count = 1
    return Verdict(count <= rate.count, count, retry_after)


def rate_for(scope: str) -> Rate | None:
    """The scope's rate from MARKET_RATE_LIMITS; no entry or None: no limit."""
    text = (settings.MARKET_RATE_LIMITS or {}).get(scope)
    return Rate.parse(text) if text else None


def too_many_requests(request, retry_after: int, *, page: bool = True):
    """429 with Retry-After: a page for people, plain text for machines."""
    if page:
        response = render(
            request,
            "429.html",
            {
                "retry_after": retry_after,
                "retry_minutes": math.ceil(retry_after / 60),
                "retry_at": timezone.localtime() + timedelta(seconds=retry_after),
            },
            status=429,
        )
    else:
        response = HttpResponse(
            _("Quá nhiều yêu cầu; thử lại sau %(seconds)d giây.")
            % {"seconds": retry_after},
            status=429,
            content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = str(retry_after)
    # Neither the page cache, a CDN nor the browser keeps a refusal.
    add_never_cache_headers(response)
    return response


def rate_limit(scope: str, *, methods=None, when=None, page: bool = True):
    """Limit a view to MARKET_RATE_LIMITS[scope] requests per client address.

    Only requests whose method is in `methods` (all if None) and for which
    `when(request)` is true (if given) are counted; the others pass untouched.
    `page=False` answers a refusal in plain text (for webhooks, say).
    """

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if (methods is None or request.method in methods) and (
                when is None or when(request)
            ):
                rate = rate_for(scope)
                if rate is not None:
                    verdict = hit(scope, client_address(request), rate)
                    if not verdict.allowed:
                        return too_many_requests(
                            request, verdict.retry_after, page=page
                        )
            return view(request, *args, **kwargs)

        return limited

    return decorator
