"""What the benchmark requests: each scenario's addresses, chosen from the data.

Every scenario but the fixed pages rotates through many addresses (a hundred
products, cooperatives, lots...) spread over the whole table, so the numbers
are not those of one hot row. Choosing reads the database the site serves;
nothing here writes, except `set_checkout_stock` and `restore_stock`, which
give the checkout scenario's products a known stock and put it back.
"""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count
from django.urls import reverse

from market import stock
from market.catalogue import filter_products
from market.models import Category, Product
from producers.models import Cooperative, Lot

# The order scenarios run in; /healthz first: it is every other one's ceiling.
CEILING = "healthz"
URL_SCENARIOS = [
    CEILING,
    "home",
    "catalogue",
    "catalogue_filtered",
    "search",
    "product",
    "cooperative",
    "trace",
    "qr_svg",
    "api_products",
]
CHECKOUT = "checkout"
ALL = [*URL_SCENARIOS, CHECKOUT]

DESCRIPTIONS = {
    "healthz": "/healthz: no database, session or template (the ceiling)",
    "home": "home page /",
    "catalogue": "catalogue /san-pham/, no filter",
    "catalogue_filtered": "catalogue, three filters + sort by price + a deep page",
    "search": "search /tim-kiem/?q=… without diacritics",
    "product": "product pages /san-pham/<slug>/",
    "cooperative": "cooperative pages /hop-tac-xa/<slug>/",
    "trace": "trace pages /l/<public_id>/",
    "qr_svg": "QR codes /l/<public_id>/qr.svg",
    "api_products": "JSON API /api/v1/products",
    "checkout": "add to cart + cash-on-delivery checkout",
}

# How many different addresses a scenario rotates through, at most.
ROTATION = 100
# The catalogue page the filtered scenario asks for: deep in the result list.
DEEP_PAGE = 50
# Filters the filtered catalogue combines (with a category and a province).
OCOP_LEVELS = ("3", "4", "5")
SORT = "price_asc"
SEARCH_QUERIES = 5


@dataclass
class Scenario:
    """One kind of page, the addresses it rotates through, and what to know."""

    name: str
    paths: list[str]
    note: str = ""

    @property
    def description(self) -> str:
        return DESCRIPTIONS[self.name]


def spread(items: list, count: int) -> list:
    """`count` items evenly spaced over `items` (all of them if fewer)."""
    if len(items) <= count:
        return list(items)
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def filtered_catalogue(page: int = DEEP_PAGE, limit: int = 10) -> Scenario:
    """Catalogue addresses with a category, a province and an OCOP level, sorted
    by price, at `page`; combinations with at least that many pages come first.

    Each combination is counted with the catalogue's own `filter_products`, so
    the count is the page's. If none reaches `page`, the largest one is asked
    for its last page, and the note says so.
    """
    page_size = settings.MARKET_CATALOGUE_PAGE_SIZE
    province = (
        Cooperative.objects.values("province_code")
        .annotate(n=Count("pk"))
        .order_by("-n", "province_code")
        .values_list("province_code", flat=True)
        .first()
    )
    counted = []
    for category in Category.objects.order_by("pk").values_list("slug", flat=True):
        for ocop in OCOP_LEVELS:
            params = {"category": category, "province": province, "ocop": ocop}
            counted.append((filter_products(params)[0].count(), params))
    counted.sort(key=lambda item: -item[0])
    deep_enough = [params for found, params in counted if found >= page * page_size]
    catalogue = reverse("market:catalogue")
    if deep_enough:
        return Scenario(
            "catalogue_filtered",
            [
                f"{catalogue}?{urlencode({**params, 'sort': SORT, 'page': page})}"
                for params in deep_enough[:limit]
            ],
        )
    found, params = counted[0] if counted else (0, {})
    last = max(1, -(-found // page_size))
    return Scenario(
        "catalogue_filtered",
        [f"{catalogue}?{urlencode({**params, 'sort': SORT, 'page': last})}"],
        note=f"no combination has {page} pages; the largest ({found} products) "
        f"is asked for its last page, {last}",
    )


def search_queries(count: int = SEARCH_QUERIES) -> list[str]:
    """Searches buyers type, without diacritics, that find many products.

    The most common first words of product names as the search folds them
    ("mat ong", "che xanh"...), then the most common first word on its own
    ("che"), each kept only if it finds at least a page of products.
    """
    pairs, words = Counter(), Counter()
    names = Product.objects.published().values_list("search_name", flat=True)
    for name in names.iterator(chunk_size=5000):
        parts = name.split()
        if len(parts) >= 2:
            pairs[" ".join(parts[:2])] += 1
        if parts:
            words[parts[0]] += 1
    candidates = [text for text, _n in pairs.most_common(count - 1)]
    candidates += [text for text, _n in words.most_common(1)]
    page_size = settings.MARKET_CATALOGUE_PAGE_SIZE
    return [
        text
        for text in candidates
        if filter_products({"q": text})[0].count() >= page_size
    ]


def search(count: int = SEARCH_QUERIES) -> Scenario:
    address = reverse("market:search")
    queries = search_queries(count)
    return Scenario(
        "search",
        [f"{address}?{urlencode({'q': query})}" for query in queries],
        note="" if queries else "no search finds a page of products",
    )


def products(count: int = ROTATION) -> Scenario:
    slugs = list(Product.objects.published().order_by("pk").values_list("slug"))
    return Scenario(
        "product",
        [
            reverse("market:product_detail", kwargs={"slug": slug})
            for (slug,) in spread(slugs, count)
        ],
    )


def cooperatives(count: int = ROTATION) -> Scenario:
    slugs = list(Cooperative.objects.order_by("pk").values_list("slug"))
    return Scenario(
        "cooperative",
        [
            reverse("producers:cooperative_detail", kwargs={"slug": slug})
            for (slug,) in spread(slugs, count)
        ],
    )


def lots(name: str, route: str, count: int = ROTATION) -> Scenario:
    ids = list(Lot.objects.order_by("pk").values_list("public_id"))
    return Scenario(
        name,
        [
            reverse(route, kwargs={"public_id": public_id})
            for (public_id,) in spread(ids, count)
        ],
    )


def api_products() -> Scenario:
    """The API's product list: unfiltered, then each top category's."""
    address = "/api/v1/products"
    categories = Category.objects.filter(parent=None).order_by("pk")
    return Scenario(
        "api_products",
        [address]
        + [
            f"{address}?category={slug}"
            for slug in categories.values_list("slug", flat=True)
        ],
    )


def choose(names: list[str]) -> list[Scenario]:
    """The scenarios named (in the order of `URL_SCENARIOS`), addresses chosen."""
    builders = {
        "healthz": lambda: Scenario("healthz", [reverse("health")]),
        "home": lambda: Scenario("home", ["/"]),
        "catalogue": lambda: Scenario("catalogue", [reverse("market:catalogue")]),
        "catalogue_filtered": filtered_catalogue,
        "search": search,
        "product": products,
        "cooperative": cooperatives,
        "trace": lambda: lots("trace", "producers:lot_short"),
        "qr_svg": lambda: lots("qr_svg", "producers:lot_qr_svg"),
        "api_products": api_products,
    }
    return [builders[name]() for name in URL_SCENARIOS if name in names]


def checkout_products(count: int = 20) -> list[Product]:
    """Products the checkout scenario buys: published, sold by the unit (minimum
    order 1), from cooperatives that deliver or let buyers pick up, spread over
    the table. Seeded products (slug "scale-…") only, so the demo's are left."""
    from cms.scale import SLUG_PREFIX

    candidates = list(
        Product.objects.published()
        .filter(slug__startswith=SLUG_PREFIX, min_order_quantity=1)
        .exclude(cooperative__offers_delivery=False, cooperative__offers_pickup=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    chosen = spread(candidates, count)
    return list(Product.objects.filter(pk__in=chosen).order_by("pk"))


# The checkout scenario's first products get 1, 2, … units: buyers race for
# the last ones, they sell out within seconds and later buyers meet "sold
# out". The others get plenty, so the run measures orders, not an empty shop.
SCARCE_PRODUCTS = 5
PLENTY = 1000


def checkout_stock(index: int) -> int:
    """The stock the checkout scenario gives its `index`-th product."""
    return index + 1 if index < SCARCE_PRODUCTS else PLENTY


def set_checkout_stock(products: list[Product]) -> list[dict]:
    """Give each product its known stock; what it had and has, for the report."""
    plan = []
    for index, product in enumerate(products):
        before, after = stock.adjust(
            product.pk, mode=stock.SET, quantity=checkout_stock(index)
        )
        plan.append(
            {
                "pk": product.pk,
                "slug": product.slug,
                "path": reverse("market:product_detail", kwargs={"slug": product.slug}),
                "original_stock": before,
                "stock": after,
            }
        )
    return plan


def restore_stock(plan: list[dict]) -> None:
    """Put back the stock the products had before the checkout scenario."""
    for item in plan:
        stock.adjust(item["pk"], mode=stock.SET, quantity=item["original_stock"])
