"""The public catalogue's one definition: which products, filtered and ordered how.

The catalogue page, the search page and any future JSON API call
`filter_products` with the request's parameters, so the filters exist once.
"""

import enum
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import gettext as _

from producers import places
from producers.models import Certification

from .filters import ProductFilterSet
from .images import (
    GALLERY_IMAGE,
    LOGO_IMAGE,
    SHARE_IMAGE,
    THUMB_IMAGE,
    renditions_prefetch,
)
from .models import Product, images_with_renditions
from .money import format_vnd

# Stock at or below this shows "only a few left" (unless settings say otherwise).
DEFAULT_LOW_STOCK_THRESHOLD = 10
# A listing counts its matches up to this many (unless settings say otherwise)
# and says "more than ..." beyond: counting every one of the 27,000 products a
# broad search like "che" finds costs more than showing the page, and nobody
# pages past the first few dozen pages.
DEFAULT_COUNT_LIMIT = 2000


def filter_products(
    params, *, queryset: QuerySet | None = None
) -> tuple[QuerySet, ProductFilterSet]:
    """Published products matching `params` (a QueryDict or dict), and the filterset.

    The queryset is ordered and ready for a listing (cooperative, category and card
    images are fetched with it). Invalid parameters are ignored; the filterset's
    `messages` say which and why.
    """
    if queryset is None:
        queryset = Product.objects.published().for_listing()
    filterset = ProductFilterSet(
        params if params is not None else {}, queryset=queryset
    )
    return filterset.qs, filterset


class CataloguePaginator(Paginator):
    """Pages of a product listing, in a few cheap queries however many match.

    `count` stops at `count_limit` (`capped` then says more match), so a broad
    search does not count every product it finds. A page reads its ids first,
    then the products with those ids: the ids come from an index alone (see
    Product.Meta.indexes), and only the page's rows are read in full with what
    a product card needs, even for page 50.
    """

    def __init__(self, object_list, per_page, *, count_limit: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_limit = count_limit

    @cached_property
    def _counted(self) -> int:
        # One more than the limit, to tell "exactly the limit" from "more"; the
        # ids alone, so no annotation (a search's rank) is computed per row.
        return self.object_list.order_by().values("pk")[: self.count_limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.count_limit)

    @property
    def capped(self) -> bool:
        return self._counted > self.count_limit

    def _get_page(self, object_list, number, paginator):
        ids = list(object_list.values_list("pk", flat=True))
        found = {
            product.pk: product
            for product in self.object_list.order_by().filter(pk__in=ids)
        }
        # A product unpublished between the two queries is left out.
        products = [found[pk] for pk in ids if pk in found]
        return Page(products, number, paginator)


def paginate(
    queryset: QuerySet, raw_page: str | None, per_page: int | None = None
) -> tuple[Page, str | None]:
    """The requested page of `queryset`, and a message if the number was unusable.

    A page that is not a number gives the first page, one past the end the last
    page: a stale or edited link still shows products, never an error.
    """
    per_page = per_page or settings.MARKET_CATALOGUE_PAGE_SIZE
    paginator = CataloguePaginator(
        queryset,
        per_page,
        count_limit=getattr(
            settings, "MARKET_CATALOGUE_COUNT_LIMIT", DEFAULT_COUNT_LIMIT
        ),
    )
    raw_page = (raw_page or "").strip()
    if not raw_page:
        return paginator.page(1), None
    if not raw_page.isascii() or not raw_page.isdigit():
        return paginator.page(1), _("Số trang không hợp lệ; đang hiện trang 1.")
    # Cap before int(): a thousand-digit page number is still just "too far".
    number = int(raw_page[:12])
    if number < 1:
        return paginator.page(1), _("Số trang không hợp lệ; đang hiện trang 1.")
    if number > paginator.num_pages:
        last = paginator.num_pages
        return paginator.page(last), _(
            "Không có trang %(number)s; đang hiện trang cuối (%(last)d)."
        ) % {"number": raw_page[:12], "last": last}
    return paginator.page(number), None


@dataclass
class Listing:
    """One page of filtered products and everything the page says about it."""

    filterset: ProductFilterSet
    page: Page
    messages: list[str] = field(default_factory=list)

    @property
    def products(self):
        return self.page.object_list


def product_listing(params, *, per_page: int | None = None) -> Listing:
    """Filter, order and paginate published products for a catalogue-like page."""
    products, filterset = filter_products(params)
    page, page_message = paginate(products, (params or {}).get("page"), per_page)
    messages = filterset.messages
    if page_message:
        messages.append(page_message)
    return Listing(filterset=filterset, page=page, messages=messages)


class StockStatus(enum.StrEnum):
    IN_STOCK = "in_stock"
    LOW = "low"
    OUT = "out"


def stock_status(product: Product) -> StockStatus:
    if product.stock <= 0:
        return StockStatus.OUT
    threshold = getattr(
        settings, "MARKET_LOW_STOCK_THRESHOLD", DEFAULT_LOW_STOCK_THRESHOLD
    )
    if product.stock <= threshold:
        return StockStatus.LOW
    return StockStatus.IN_STOCK


@dataclass(frozen=True)
class ActiveFilter:
    """A filter in use, shown as a chip that links to the page without it."""

    label: str
    value: str
    remove_query: str


def active_filters(filterset: ProductFilterSet, params) -> list[ActiveFilter]:
    """The valid filters in `params`, each with the query string that drops it."""
    filterset.errors  # noqa: B018 - validates the form
    cleaned = filterset.form.cleaned_data
    fields = filterset.form.fields
    chips = []
    for name, value in cleaned.items():
        if name == "sort" or value in (None, "", False):
            continue
        if name == "q":
            shown = value.text
        elif name == "province":
            shown = places.province_name(int(value))
        elif name == "commune":
            shown = places.commune_name(int(value))
        elif name in ("price_min", "price_max"):
            shown = format_vnd(value)
        elif value is True:
            shown = ""
        elif hasattr(fields[name], "choices") and not hasattr(value, "pk"):
            shown = str(dict(fields[name].choices).get(value, value))
        else:
            # Not getattr's default: str() of a subcategory reads its parent.
            shown = value.name if hasattr(value, "name") else str(value)
        remaining = params.copy() if hasattr(params, "copy") else dict(params)
        for key in (name, "page"):
            remaining.pop(key, None)
        chips.append(
            ActiveFilter(
                label=str(fields[name].label),
                value=str(shown),
                remove_query=_urlencode(remaining),
            )
        )
    return chips


def _urlencode(params) -> str:
    encoded = params.urlencode() if hasattr(params, "urlencode") else urlencode(params)
    return f"?{encoded}" if encoded else ""


def product_page_queryset() -> QuerySet:
    """Published products with what a product page shows, in fixed queries."""
    return (
        Product.objects.published()
        .select_related("cooperative", "cooperative__logo", "category__parent")
        .prefetch_related(
            Prefetch(
                "images",
                queryset=images_with_renditions(
                    GALLERY_IMAGE, THUMB_IMAGE, SHARE_IMAGE
                ),
            ),
            renditions_prefetch(LOGO_IMAGE, lookup="cooperative__logo__renditions"),
            Prefetch(
                "certifications",
                queryset=Certification.objects.order_by("kind", "-issued_on", "pk"),
            ),
        )
    )


def related_products(product: Product, limit: int = 4) -> QuerySet:
    """Other published products of the same category, newest first."""
    return (
        Product.objects.published()
        .filter(category_id=product.category_id)
        .exclude(pk=product.pk)
        .for_listing()
        .order_by(F("first_published_at").desc(nulls_last=True), "-pk")[:limit]
    )
