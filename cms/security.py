"""The site under attack: security headers and sign-in throttling.

Content-Security-Policy (django-csp): the public site gets the strict policy of
settings.CONTENT_SECURITY_POLICY. Its pages carry no inline script and no
style attribute, so no nonce is needed, which matters: the anonymous page cache
(cms.page_cache) serves one stored page to many visitors, and a nonce in it
would be the same for all. The Wagtail admin and the API's Swagger UI run
inline code and styles of their own; they get the looser policies of
settings.MARKET_CSP_AREAS instead (the first prefix of the path that matches).
Every policy may load images from the media storage (a bucket or CDN when
one is set) and may post a form that ends at Stripe Checkout; a page's preview
in the editor keeps the public policy but may be framed by the admin.

Sign-in throttling (django-axes, on both the buyers' and the admin's login):
failed sign-ins are counted per account and address, AXES_FAILURE_LIMIT of them
lock that account from that address only, so an attacker elsewhere cannot lock
a buyer out of their own phone; and per address alone, where
MARKET_LOGIN_ADDRESS_FAILURE_LIMIT (many more) lock the address for every
account. Both lift AXES_COOLOFF_TIME after the last failure. A successful
sign-in forgets that account's failures from that address.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from csp.constants import SELF
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Max, Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

STRIPE_CHECKOUT = "https://checkout.stripe.com"
STRIPE_API = "https://api.stripe.com"


# -- headers -------------------------------------------------------------------------


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


_media_origins: dict[str, str | None] = {}


def media_origin() -> str | None:
    """Where uploaded images are served from, if not this site: the bucket's
    or CDN's origin, read from the storage's own URLs (once per set-up)."""
    key = repr((settings.STORAGES.get("default"), settings.MEDIA_URL))
    if key not in _media_origins:
        try:
            _media_origins[key] = _origin(default_storage.url("csp-probe.jpg"))
        except Exception:  # noqa: BLE001 - a storage that cannot say: this site
            _media_origins[key] = None
    return _media_origins[key]


def checkout_origins() -> list[str]:
    """Where a buyer's order form may lead: Stripe Checkout, or the pages of a
    Stripe stand-in when STRIPE_API_BASE names one (the tests' fake)."""
    base = settings.STRIPE_API_BASE.rstrip("/")
    if base == STRIPE_API or not (origin := _origin(base)):
        return [STRIPE_CHECKOUT]
    return [STRIPE_CHECKOUT, origin]


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware choosing the policy by area (see the module's
    doc), plus the Permissions-Policy header."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None:
            for prefix, directives in settings.MARKET_CSP_AREAS.items():
                if request.path_info.startswith(prefix):
                    parts.config = directives
                    break
        extra = {"form-action": checkout_origins()}
        if media := media_origin():
            extra["img-src"] = [media]
        parts.update = {**extra, **(parts.update or {})}
        if getattr(request, "is_dummy", False) or getattr(request, "is_preview", False):
            # Wagtail renders a page's preview through the middleware with a
            # request for the page's own address; the admin shows it in a frame.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if settings.MARKET_PERMISSIONS_POLICY:
            response.headers.setdefault(
                "Permissions-Policy", settings.MARKET_PERMISSIONS_POLICY
            )
        return response


# -- sign-in throttling --------------------------------------------------------------


def login_username(request, credentials=None) -> str | None:
    """The account a sign-in names, as axes counts it: without surrounding
    spaces or case, so "Huyen@x.vn " and "huyen@x.vn" share one count."""
    username = (credentials or {}).get("username")
    if username is None:
        username = request.POST.get("username")
    if username is None:
        return None
    return str(username).strip().lower()[:255]


class LoginAttempts(AxesDatabaseHandler):
    """Axes' database records, locked by account and address, or by address
    alone at a higher count (see the module's doc)."""

    def _recent(self, request):
        attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(
                attempt_time__gte=get_cool_off_threshold(request)
            )
        return attempts

    def _counts(self, request, credentials) -> tuple[int, int]:
        recent = self._recent(request)
        username = get_client_username(request, credentials)
        by_address = recent.aggregate(n=Sum("failures_since_start"))["n"] or 0
        by_account = (
            recent.filter(username=username).aggregate(n=Sum("failures_since_start"))[
                "n"
            ]
            or 0
        )
        return by_account, by_address

    def get_failures(self, request, credentials=None) -> int:
        """The account's failures from this address; the lockout count itself
        once the address as a whole has failed too often (axes compares this
        number with AXES_FAILURE_LIMIT)."""
        by_account, by_address = self._counts(request, credentials)
        if by_address >= settings.MARKET_LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(by_account, settings.AXES_FAILURE_LIMIT)
        return by_account

    def locked_until(self, request, credentials=None) -> datetime.datetime | None:
        """When the lock on this request's sign-ins lifts, at the latest."""
        cool_off = get_cool_off(request)
        if cool_off is None:
            return None
        by_account, by_address = self._counts(request, credentials)
        attempts = self._recent(request)
        if by_address < settings.MARKET_LOGIN_ADDRESS_FAILURE_LIMIT:
            attempts = attempts.filter(
                username=get_client_username(request, credentials)
            )
        last = attempts.aggregate(last=Max("attempt_time"))["last"]
        return (last or timezone.now()) + cool_off

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful sign-in: forget this account's failures from this
        address, not the address's failures on other accounts."""
        deleted, _ = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            username=get_client_username(request, credentials),
        ).delete()
        return deleted


def login_locked_out(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: 429, and when to try again."""
    from axes.handlers.proxy import AxesProxyHandler

    handler = AxesProxyHandler.get_implementation()
    until = None
    if isinstance(handler, LoginAttempts):
        until = handler.locked_until(request, credentials)
    now = timezone.now()
    retry_after = max(1, int((until - now).total_seconds())) if until else 0
    response = render(
        request,
        "429.html",
        {
            "login_locked": True,
            "retry_after": retry_after,
            "retry_minutes": -(-retry_after // 60),
            "retry_at": timezone.localtime(until) if until else None,
        },
        status=429,
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response
