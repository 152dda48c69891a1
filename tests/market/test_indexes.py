"""The catalogue's queries are answered from its indexes, on both databases.

Product.Meta.indexes and migrations market 0007 / producers 0009 add them;
docs/performance.md ("Indexes and search") has the plans on 100,000 products.
On PostgreSQL each query is explained with sequential scans switched off for
the transaction (SET LOCAL enable_seqscan = off, and for listings read in
order, no bitmap scans or sorts either): a plan that still names the index
shows the index can answer the query, whatever a small test table would make
the planner prefer. SQLite has no such switches and plans these tables with
its own rules, which pick the same B-tree indexes; trigram indexes exist on
PostgreSQL only.
"""

import re

import pytest
from django.db import connection, transaction

from market import search
from market.catalogue import filter_products, related_products
from market.models import Product
from producers.models import Cooperative
from tests.market.factories import CategoryFactory
from tests.market.helpers import published
from tests.producers.factories import CooperativeFactory

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def plan(queryset, *, in_order=False) -> str:
    """The plan of `queryset`; on PostgreSQL, one that reads no whole table (and,
    `in_order`, that reads rows in the order asked rather than sorting them)."""
    switches = ["enable_seqscan"]
    if in_order:
        switches += ["enable_bitmapscan", "enable_sort"]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for switch in switches:
                    cursor.execute(f"SET LOCAL {switch} = off")
        return queryset.explain()


def sorts(shown: str) -> bool:
    """Whether a plan sorts rows itself instead of reading them in order."""
    return "Sort" in shown if POSTGRESQL else "TEMP B-TREE" in shown


def page_ids(params, page=2, per_page=10):
    """The query a listing page starts with (market.catalogue.CataloguePaginator)."""
    products, _filterset = filter_products(params)
    bottom = (page - 1) * per_page
    return products.values_list("pk", flat=True)[bottom : bottom + per_page]


@pytest.fixture(autouse=True)
def catalogue():
    """Six hundred products (most published) of three cooperatives."""
    fruit = CategoryFactory(slug="trai-cay", name="Trái cây")
    orange = CategoryFactory(slug="cam", name="Cam", parent=fruit)
    pomelo = CategoryFactory(slug="buoi", name="Bưởi", parent=fruit)
    tea = CategoryFactory(slug="che", name="Chè")
    cooperatives = [
        CooperativeFactory(name=f"HTX Nông nghiệp {place}")
        for place in ("Nghi Lộc", "Thanh Chương", "Quỳ Hợp")
    ]
    products = []
    for number in range(600):
        product = Product(
            cooperative=cooperatives[number % 3],
            # A tenth are oranges: a category about as selective as on the site.
            category=orange if number % 10 == 1 else pomelo if number % 2 else tea,
            name=f"{'Cam Vinh' if number % 2 else 'Chè xanh'} loại {number}",
            slug=f"san-pham-{number}",
            price=20000 + 1000 * number,
            stock=number % 4,
            ocop_stars=(None, 3, 4)[number % 3],
            live=number % 10 != 0,
            first_published_at=published(number),
        )
        product.search_name = product.name.lower()
        product.search_text = product.build_search_text()
        products.append(product)
    honey = Product(
        cooperative=cooperatives[0],
        category=tea,
        name="Mật ong hoa nhãn",
        slug="mat-ong",
        price=250000,
        live=True,
        first_published_at=published(1),
    )
    honey.search_name = "mat ong hoa nhan"
    honey.search_text = honey.build_search_text()
    Product.objects.bulk_create([*products, honey])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does on a running site: move the rows just added
            # from the trigram indexes' pending lists into the indexes proper,
            # and gather the statistics the planner reads.
            for index in ("product_search_text_trgm", "cooperative_search_text_trgm"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute("ANALYZE market_product")
            cursor.execute("ANALYZE producers_cooperative")


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("newest", "product_live_cat_newest_idx"),
        ("price_asc", "product_live_cat_price_idx"),
        ("price_desc", "product_live_cat_price_idx"),
    ],
)
def test_a_category_page_with_filters_is_read_in_order_from_an_index(sort, index):
    province = str(Cooperative.objects.first().province_code)
    query = page_ids(
        {"category": "cam", "province": province, "ocop": "3", "sort": sort}
    )
    shown = plan(query, in_order=True)
    assert index in shown
    assert not sorts(shown)


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("newest", "product_live_newest_idx"),
        ("price_asc", "product_live_price_idx"),
        ("name", "product_live_name_idx"),
    ],
)
def test_the_whole_catalogue_is_read_in_order_from_an_index(sort, index):
    shown = plan(page_ids({"sort": sort}), in_order=True)
    assert index in shown
    assert not sorts(shown)


def test_a_parent_category_is_read_through_an_index():
    # Its subcategories' ids are listed (not joined), so an index on the
    # category, or the one in price order, can find its products.
    shown = plan(page_ids({"category": "trai-cay", "sort": "price_asc"}), in_order=True)
    assert re.search(r"product_live_(cat_price|category|price)_idx", shown)


def test_search_finds_matches_through_the_trigram_index_on_postgresql():
    products, _filterset = filter_products({"q": "mat ong"})
    shown = plan(products.values_list("pk", flat=True)[:10])
    if POSTGRESQL:
        assert "Bitmap Index Scan on product_search_text_trgm" in shown
    else:
        # The same query; SQLite reads the published products from an index.
        assert "USING INDEX product_live_" in shown


def test_search_in_another_order_reads_that_order_from_its_index():
    products, _filterset = filter_products({"q": "che", "sort": "price_asc"})
    shown = plan(products.values_list("pk", flat=True)[:10], in_order=True)
    assert "product_live_price_idx" in shown
    assert not sorts(shown)


def test_cooperative_search_uses_the_trigram_index_on_postgresql():
    shown = plan(Cooperative.objects.matching(search.parse_query("thanh chuong").words))
    if POSTGRESQL:
        assert "Bitmap Index Scan on cooperative_search_text_trgm" in shown
    else:
        # A few hundred cooperatives are read whole in well under a millisecond.
        assert "SCAN producers_cooperative" in shown


def test_related_products_and_suggestions_are_read_from_indexes():
    product = Product.objects.filter(live=True, category__slug="cam").first()
    assert "product_live_cat_newest_idx" in plan(
        related_products(product), in_order=True
    )
    assert "product_live_popular_idx" in plan(search.popular_products(), in_order=True)
