"""The anonymous page cache: public pages rendered once, served many times.

A page rendered for a visitor who is not signed in is kept in the cache
(settings.CACHES, Redis in production, so every app server shares it) under
its language and address, for MARKET_PAGE_CACHE_SECONDS. The next anonymous
visitor gets it without the view running: no queries, no template.

What differs between visitors is punched out as holes and filled in per
request: the CSRF token of each form, and the cart link in the header (how
many products the visitor's cart holds), a trace page's count of scans
(producers.fragments). Everything else on a public page
depends only on the address and the data, and every cached page names the data
it depends on as *tags*:

- ``site``: everything (menus, categories, cooperatives, product lists, the
  CMS pages). Bumped by any change to what the public sees, except the two
  below, and by bulk changes of products.
- ``product:<slug>``: a product's own page. Bumped when its stock moves (the
  page shows "only 3 kg left") without it selling out or coming back; selling
  out bumps ``site``, since product lists show it.
- ``lot:<public id>``: a lot's trace page. Bumped by the lot's new events; the
  product pages that list the lot are bumped with it.

A tag's version is the time it was last bumped, stored in the cache. A cached
page keeps the versions of its tags at the time it was rendered and is served
only while they all still hold. A change bumps its tags when it is written and
again when its transaction commits, and a page whose tags were bumped while it
was being rendered is not stored, so no page read from data older than the
last change is kept. A tag missing from the cache (evicted) counts as changed.

Cached pages carry an ETag and answer If-None-Match with 304. A page with no
per-visitor content (no form, an empty cart) is `Cache-Control: public`, with
`s-maxage` MARKET_CDN_CACHE_SECONDS, so a CDN may keep it; Wagtail's frontend
cache (settings.WAGTAILFRONTENDCACHE) is told to purge the addresses whose tags
are bumped, and of CMS pages when they are published.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language
from wagtail.contrib.frontend_cache.utils import (
    purge_page_from_cache,
    purge_urls_from_cache,
)
from wagtail.signals import page_published, page_unpublished, post_page_move

from market.cart import SESSION_KEY as CART_SESSION_KEY
from producers import fragments

SITE = "site"

# What a visitor's session may hold for them to be served cached pages: a
# cart. Anything else (a signed-in user, messages waiting, a page password
# given) makes the page theirs alone.
SHAREABLE_SESSION_KEYS = frozenset({CART_SESSION_KEY})

# Addresses longer than this are served but not kept: no one can fill the
# cache with endless made-up query strings.
MAX_CACHED_PATH = 512

# The number changes with Entry's fields, so a new release never reads pages
# an older one stored.
ENTRY_PREFIX = "page-cache:page:2:"
TAG_PREFIX = "page-cache:tag:"
FRAGMENT_PREFIX = "page-cache:fragment:2:"

# Headers of the rendered page that are not stored with it: the cache writes
# its own, and cookies belong to the visitor they were set for.
UNSTORED_HEADERS = frozenset(
    {"cache-control", "content-length", "etag", "expires", "last-modified"}
)

CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_HOLE = b"\x00page-cache:csrf\x00"


def enabled() -> bool:
    return settings.MARKET_PAGE_CACHE_SECONDS > 0


# -- tags ----------------------------------------------------------------------------


def _versions(tags) -> tuple[dict[str, int], set[str]]:
    """Each tag's current version, and the tags that had none and were given one
    now (evicted from the cache, or never bumped yet)."""
    keys = {TAG_PREFIX + tag: tag for tag in tags}
    found = cache.get_many(list(keys))
    versions, new = {}, set()
    for key, tag in keys.items():
        version = found.get(key)
        if version is None:
            version = time.time_ns()
            if cache.add(key, version, timeout=None):
                new.add(tag)
            else:
                version = cache.get(key, version)
        versions[tag] = version
    return versions, new


def _kept(key: str, tags):
    """What is kept under `key` (a page Entry, a fragment), read with the
    versions of `tags` in one round trip; None unless none of the tags has been
    bumped since it was stored (its `versions`)."""
    found = cache.get_many([key, *(TAG_PREFIX + tag for tag in tags)])
    kept = found.get(key)
    if kept is None:
        return None
    current = {tag: found.get(TAG_PREFIX + tag) for tag in kept.versions}
    return kept if current == kept.versions else None


def _versions_to_keep(tags, started: int) -> dict[str, int] | None:
    """The versions to record with a copy rendered since `started` (time_ns), or
    None if a change was written meanwhile: the copy may or may not show it, so
    it is served once and kept for no one."""
    versions, new = _versions(tags)
    bumped = [version for tag, version in versions.items() if tag not in new]
    return versions if max(bumped, default=0) < started else None


def bump(*tags: str) -> None:
    """Mark every page that depends on `tags` as out of date, now."""
    if not tags:
        return
    version = time.time_ns()
    cache.set_many({TAG_PREFIX + tag: version for tag in tags}, timeout=None)


def product_tag(slug: str) -> str:
    return f"product:{slug}"


def lot_tag(public_id: str) -> str:
    return f"lot:{public_id.upper()}"


# Pages whose address names the object they show, and the tag that object's
# changes bump: url name -> (keyword argument, tag).
URL_TAGS = {
    "market:product_detail": ("slug", product_tag),
    "producers:lot_short": ("public_id", lot_tag),
}


# -- holes ---------------------------------------------------------------------------


# Every hole of a stored page: a part (producers.fragments) or a CSRF token.
HOLES = re.compile(fragments.HOLE_PATTERN.pattern + rb"|" + re.escape(CSRF_HOLE))


def _split(body: bytes) -> list:
    """`body` cut at its holes: text, hole, text, ..., text. A hole is the
    part's (name, arg) as HOLE_PATTERN reads them, or None for a CSRF token.

    Stored so, a page is filled in by joining, without searching it again.
    """
    pieces, start = [], 0
    for match in HOLES.finditer(body):
        pieces.append(body[start : match.start()])
        pieces.append(match.groups() if match.group(1) else None)
        start = match.end()
    pieces.append(body[start:])
    return pieces


def _fill(pieces: list, request) -> tuple[bytes, list[bytes], bool]:
    """The page for `request`: its body, what went into the holes, and whether
    it has forms (a CSRF token)."""
    out, filled, token = [], [], None
    for index, piece in enumerate(pieces):
        if index % 2 == 0:
            out.append(piece)
            continue
        if piece is None:
            # One token for every form of the page.
            token = token or get_token(request).encode()
            value = token
        else:
            value = fragments.fill_hole(request, *piece)
        out.append(value)
        filled.append(value)
    return b"".join(out), filled, token is not None


# -- the middleware ------------------------------------------------------------------


@dataclass
class Entry:
    """A page as kept in the cache: holes in place of per-visitor content."""

    pieces: list  # see _split
    digest: str  # of the page with its holes
    headers: list[tuple[str, str]]
    versions: dict[str, int] | None  # None: served once, not kept


def _key(request) -> str:
    address = request.get_full_path().encode()
    digest = hashlib.sha256(address).hexdigest()
    return f"{ENTRY_PREFIX}{get_language()}:{digest}"


def _shareable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if len(request.get_full_path()) > MAX_CACHED_PATH:
        return False
    # Machines asking for JSON-LD at a page's address get another answer.
    if "json" in request.headers.get("Accept", ""):
        return False
    if request.COOKIES.get(CookieStorage.cookie_name):
        return False
    return set(request.session.keys()) <= SHAREABLE_SESSION_KEYS


def _tags_for(path: str) -> set[str]:
    tags = {SITE}
    try:
        match = resolve(path)
    except Resolver404:
        return tags
    if match.view_name in URL_TAGS:
        kwarg, tag = URL_TAGS[match.view_name]
        if value := match.kwargs.get(kwarg):
            tags.add(tag(value))
    return tags


def _never_a_page(path: str) -> bool:
    """Addresses that answer no HTML page (the API, files, feeds, the admin): no
    cache lookup at all for them."""
    if path.startswith(_non_page_prefixes()):
        return True
    # Pages have no file extension; "robots.txt", "qr.svg", "rss.xml" do.
    return "." in path.rsplit("/", 1)[-1]


def _non_page_prefixes() -> tuple[str, ...]:
    return (
        "/healthz",
        settings.MARKET_API_PREFIX,
        settings.STATIC_URL,
        settings.MEDIA_URL,
        "/admin/",
        "/documents/",
        "/i18n/",
    )


def _storable(response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # A cookie other than the CSRF one means the view changed something for
    # this visitor (their session, say).
    return set(response.cookies) <= {settings.CSRF_COOKIE_NAME}


class PageCacheMiddleware:
    """Serve anonymous visitors' pages from the cache (see the module's doc).

    Sits after the session, authentication and message middleware and before
    the views; the CSRF middleware, further out, sets the cookie of a token
    filled into a cached page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not enabled()
            or _never_a_page(request.path_info)
            or not _shareable_request(request)
        ):
            return self.get_response(request)
        key = _key(request)
        tags = _tags_for(request.path_info)
        if (entry := _kept(key, tags)) is not None:
            return self._respond(request, entry, hit=True)
        started = time.time_ns()
        fragments.start_recording(request)
        response = self.get_response(request)
        fragments.stop_recording(request)
        if not _storable(response):
            # Not kept (an error page, a redirect...), but it may have holes.
            if not response.streaming and fragments.has_holes(response.content):
                response.content = fragments.fill(response.content, request)
            return response
        body = CSRF_INPUT.sub(rb"\1" + CSRF_HOLE + rb"\2", response.content)
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in UNSTORED_HEADERS
        ]
        entry = Entry(
            pieces=_split(body),
            digest=hashlib.md5(body).hexdigest(),  # noqa: S324 - not for security
            headers=headers,
            versions=_versions_to_keep(tags, started),
        )
        if entry.versions is not None:
            cache.set(key, entry, settings.MARKET_PAGE_CACHE_SECONDS)
        fresh = self._respond(request, entry, hit=False)
        for cookie in response.cookies.values():
            fresh.cookies[cookie.key] = cookie
        return fresh

    def _respond(self, request, entry: Entry, *, hit: bool):
        body, filled, has_forms = _fill(entry.pieces, request)
        response = HttpResponse(body)
        for name, value in entry.headers:
            response[name] = value
        # The stored page's digest and what filled its holes: the body's
        # fingerprint, without reading the whole body again.
        etag = hashlib.md5(b"\0".join([entry.digest.encode(), *filled]))  # noqa: S324
        response["ETag"] = f'"{etag.hexdigest()}"'
        anonymous_everywhere = settings.SESSION_COOKIE_NAME not in request.COOKIES
        if has_forms or not anonymous_everywhere:
            response["Cache-Control"] = "private, max-age=0"
        else:
            response["Cache-Control"] = (
                f"public, max-age=0, s-maxage={settings.MARKET_CDN_CACHE_SECONDS}"
            )
        patch_vary_headers(response, ["Cookie"])
        response["X-Page-Cache"] = "hit" if hit else "miss"
        return get_conditional_response(
            request, etag=response["ETag"], response=response
        )


# -- fragments -----------------------------------------------------------------------


def cached_fragment(name: str, parts, render: Callable[[], str], tags=(SITE,)) -> str:
    """HTML that many pages share (a block listing every cooperative, say), kept
    until its tags are bumped, as pages are, or MARKET_FRAGMENT_CACHE_SECONDS.

    `parts` name what the HTML depends on besides the language and the data
    (a block's settings). Works whether or not the page cache is on.
    """
    seconds = settings.MARKET_FRAGMENT_CACHE_SECONDS
    if seconds <= 0:
        return render()
    digest = hashlib.sha256(repr(list(parts)).encode()).hexdigest()
    key = f"{FRAGMENT_PREFIX}{name}:{get_language()}:{digest}"
    if (kept := _kept(key, tags)) is not None:
        return kept.html
    started = time.time_ns()
    html = render()
    versions = _versions_to_keep(tags, started)
    if versions is not None:
        cache.set(key, Fragment(html=html, versions=versions), seconds)
    return html


@dataclass
class Fragment:
    html: str
    versions: dict[str, int]


# -- invalidation --------------------------------------------------------------------

# Models whose rows the public pages never show: saving them changes no page.
PRIVATE_MODELS = {
    "producers": {
        "Membership",
        "CooperativeLogEntry",
        "ApiToken",
        "ApiIdempotencyKey",
    },
    "market": {
        "ProductImport",
        "Order",
        "Fulfilment",
        "OrderLine",
        "OrderEvent",
        "CartLine",
        "Payout",
        "LedgerEntry",
        "Payment",
        "StripeEvent",
    },
}
PUBLIC_APPS = ("producers", "market", "cms")


def invalidate(tags, urls=()) -> None:
    """Bump `tags` now and again once the transaction commits; then purge `urls`
    from the frontend cache.

    The first bump keeps pages rendered from here on out of the cache; the
    second drops any page rendered meanwhile from data not yet committed.
    """
    tags, urls = set(tags), set(urls)
    bump(*tags)

    def committed():
        bump(*tags)
        if urls and settings.WAGTAILFRONTENDCACHE:
            purge_urls(urls)

    transaction.on_commit(committed)


def purge_urls(paths) -> None:
    """Ask the frontend cache (if one is configured) to drop these addresses."""
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    purge_urls_from_cache(sorted(base + path for path in paths))


def _in_every_language(view_name: str, **kwargs) -> set[str]:
    paths = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths.add(reverse(view_name, kwargs=kwargs))
    return paths


def _product_pages(slugs) -> tuple[set[str], set[str]]:
    tags, paths = set(), set()
    for slug in slugs:
        tags.add(product_tag(slug))
        paths |= _in_every_language("market:product_detail", slug=slug)
    return tags, paths


def _lot_pages(lot_ids) -> tuple[set[str], set[str]]:
    """Tags and addresses of the lots' trace pages and of the products listing them."""
    from market.models import Product
    from producers.models import Lot

    tags, paths = set(), set()
    for public_id in Lot.objects.filter(pk__in=lot_ids).values_list(
        "public_id", flat=True
    ):
        tags.add(lot_tag(public_id))
        paths |= _in_every_language("producers:lot_short", public_id=public_id)
    slugs = Product.objects.filter(lots__in=lot_ids).values_list("slug", flat=True)
    product_tags, product_paths = _product_pages(set(slugs))
    return tags | product_tags, paths | product_paths


def _model_changed(sender, instance, **kwargs):
    meta = sender._meta
    if meta.app_label not in PUBLIC_APPS:
        return
    if meta.object_name in PRIVATE_MODELS.get(meta.app_label, ()):
        return
    if meta.label == "producers.Lot":
        invalidate(*_lot_pages([instance.pk]))
    elif meta.label in ("producers.TraceEvent", "producers.TraceEvidence"):
        invalidate(*_lot_pages([_event_lot_id(instance)]))
    elif meta.label == "producers.TraceEventInput":
        invalidate(*_lot_pages([instance.lot_id, _event_lot_id(instance)]))
    else:
        # Anything else public: products, cooperatives, categories, pages,
        # menus... shows on many pages.
        urls = set()
        if meta.label == "market.Product" and instance.slug:
            urls = _product_pages([instance.slug])[1]
        invalidate({SITE}, urls)


def _event_lot_id(instance) -> int:
    event = getattr(instance, "event", None) or instance
    return event.lot_id


def _stock_changed(sender, product_ids, availability_changed, **kwargs):
    from market.models import Product

    slugs = Product.objects.filter(pk__in=product_ids).values_list("slug", flat=True)
    tags, paths = _product_pages(set(slugs))
    if availability_changed:
        tags.add(SITE)
    invalidate(tags, paths)


def _products_changed(sender, product_ids, **kwargs):
    invalidate({SITE})


def _pages_changed(sender, instance, **kwargs):
    invalidate({SITE})
    if settings.WAGTAILFRONTENDCACHE:
        transaction.on_commit(lambda: purge_page_from_cache(instance))


def connect_signals() -> None:
    """Invalidate cached pages whenever what they show changes."""
    from market.signals import products_changed, stock_changed

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_model_changed, dispatch_uid=f"page_cache.{signal!r}")
    stock_changed.connect(_stock_changed, dispatch_uid="page_cache.stock")
    products_changed.connect(_products_changed, dispatch_uid="page_cache.products")
    # Publishing, unpublishing, moving or deleting any page (Wagtail's own
    # page types included) changes menus and links across the site.
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_pages_changed, dispatch_uid=f"page_cache.{signal!r}")
