"""Public pages cost the same number of queries with 3 products as with 30.

What grows with a cooperative's catalogue: its products (each with a photo,
a certificate and the lot it is sold from) in the listings, on its profile,
on a product page (related products), on the lot's trace page and in the API.
The listings' page size is test_catalogue's concern; photos, certificates
and trace histories are covered by each page's own tests.
"""

import pytest

from market.models import ProductImage
from tests.market.factories import CategoryFactory, ProductFactory
from tests.market.helpers import published
from tests.producers.factories import CertificationFactory, make_image
from tests.producers.lot_histories import record_full_history, tea_lot

pytestmark = pytest.mark.django_db

# Each page's queries with session, menus and footer, and some room to spare.
BUDGET = 20


@pytest.fixture
def shop(settings):
    settings.MARKET_PAGE_CACHE_SECONDS = 0  # every request runs its queries
    settings.MARKET_CATALOGUE_PAGE_SIZE = 2  # so the listings have a page 2
    tea = CategoryFactory(slug="che", name="Chè")
    green = CategoryFactory(slug="che-xanh", name="Chè xanh", parent=tea)
    lot = tea_lot()
    record_full_history(lot)
    return {
        "category": green,
        "lot": lot,
        "certification": CertificationFactory(cooperative=lot.cooperative),
        "products": [],
    }


def add_products(shop, count):
    for _ in range(count):
        number = len(shop["products"])
        product = ProductFactory(
            cooperative=shop["lot"].cooperative,
            category=shop["category"],
            name=f"Chè xanh Thanh Chương {number}",
            ocop_stars=4,
            price=100000 + number,
            first_published_at=published(number),
        )
        ProductImage.objects.create(
            product=product, image=make_image(size=(40, 30)), sort_order=0
        )
        product.certifications.set([shop["certification"]])
        product.lots.add(shop["lot"])
        product.save()
        shop["products"].append(product)


def pages(shop) -> list[str]:
    first = shop["products"][0]
    return [
        "/san-pham/",
        "/san-pham/?category=che&ocop=4&sort=price_asc&page=2",
        "/tim-kiem/?q=che+xanh&page=2",
        first.get_absolute_url(),
        first.cooperative.get_absolute_url(),
        shop["lot"].get_absolute_url(),
        "/api/v1/products?category=che&sort=price_desc",
    ]


def queries_per_page(client, shop, django_assert_max_num_queries) -> dict:
    counts = {}
    for url in pages(shop):
        client.get(url)  # the first view makes the image renditions
        with django_assert_max_num_queries(BUDGET) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(captured.captured_queries)
    return counts


def test_pages_cost_the_same_queries_with_ten_times_the_products(
    client, shop, django_assert_max_num_queries
):
    add_products(shop, 3)
    with_three = queries_per_page(client, shop, django_assert_max_num_queries)
    add_products(shop, 27)
    with_thirty = queries_per_page(client, shop, django_assert_max_num_queries)
    assert with_thirty == with_three
