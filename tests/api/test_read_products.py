"""Public catalogue endpoints: the catalogue page's own filters, sort and search."""

import datetime
import re

import pytest
from django.utils import timezone

from market.fields import months_to_mask
from producers.models import Certification
from tests.api.conftest import bearer
from tests.market.factories import CategoryFactory, ProductFactory
from tests.market.helpers import published
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    LotFactory,
)

pytestmark = pytest.mark.django_db

HA_TINH = 42
HA_TINH_COMMUNE = 18115  # Phường Bắc Hồng Lĩnh
CON_CUONG = 17254  # Xã Con Cuông, Nghệ An
THANH_VINH = 16681  # Phường Thành Vinh, Nghệ An
NEWEST_FIRST = [
    "mat-ong-hoa-nhan",
    "cam-xa-doai",
    "cam-vinh",
    "che-xanh-thanh-chuong",
    "che-bup",
]


@pytest.fixture
def market():
    """Five published products of three cooperatives in two provinces, one draft."""
    today = timezone.localdate()
    tea = CategoryFactory(name="Chè", slug="che")
    green_tea = CategoryFactory(name="Chè xanh", slug="che-xanh", parent=tea)
    fruit = CategoryFactory(name="Trái cây", slug="trai-cay")
    orange = CategoryFactory(name="Cam", slug="cam", parent=fruit)
    honey = CategoryFactory(name="Mật ong", slug="mat-ong")
    con_cuong = CooperativeFactory(
        name="HTX Chè Con Cuông", slug="htx-con-cuong", commune_code=CON_CUONG
    )
    vinh = CooperativeFactory(
        name="HTX Cam Vinh", slug="htx-cam-vinh", commune_code=THANH_VINH
    )
    ha_tinh = CooperativeFactory(
        name="HTX Mật ong Hà Tĩnh",
        slug="htx-mat-ong-ha-tinh",
        province_code=HA_TINH,
        commune_code=HA_TINH_COMMUNE,
    )
    other_month = today.month % 12 + 1
    products = {
        "che-bup": ProductFactory(
            name="Chè búp Con Cuông",
            slug="che-bup",
            category=tea,
            cooperative=con_cuong,
            price=120000,
            stock=30,
            ocop_stars=3,
            first_published_at=published(5),
        ),
        "che-xanh-thanh-chuong": ProductFactory(
            name="Chè xanh Thanh Chương",
            slug="che-xanh-thanh-chuong",
            category=green_tea,
            cooperative=con_cuong,
            price=150000,
            stock=0,
            ocop_stars=4,
            first_published_at=published(4),
        ),
        "cam-vinh": ProductFactory(
            name="Cam Vinh",
            slug="cam-vinh",
            category=orange,
            cooperative=vinh,
            price=45000,
            stock=200,
            season_months=months_to_mask([today.month]),
            first_published_at=published(3),
        ),
        "cam-xa-doai": ProductFactory(
            name="Cam Xã Đoài",
            slug="cam-xa-doai",
            category=orange,
            cooperative=vinh,
            price=60000,
            stock=50,
            season_months=months_to_mask([other_month]),
            first_published_at=published(2),
        ),
        "mat-ong-hoa-nhan": ProductFactory(
            name="Mật ong hoa nhãn",
            slug="mat-ong-hoa-nhan",
            category=honey,
            cooperative=ha_tinh,
            price=250000,
            stock=5,
            ocop_stars=5,
            first_published_at=published(1),
        ),
    }
    ProductFactory(
        name="Chè nháp chưa đăng",
        slug="che-nhap",
        category=tea,
        cooperative=con_cuong,
        live=False,
    )
    vietgap = CertificationFactory(
        cooperative=con_cuong, kind=Certification.Kind.VIETGAP
    )
    expired_organic = CertificationFactory(
        cooperative=vinh,
        kind=Certification.Kind.ORGANIC,
        issued_on=today - datetime.timedelta(days=800),
        expires_on=today - datetime.timedelta(days=1),
    )
    organic = CertificationFactory(
        cooperative=ha_tinh,
        kind=Certification.Kind.ORGANIC,
        issued_on=today - datetime.timedelta(days=30),
        expires_on=None,
    )
    for slug, certificates in (
        ("che-bup", [vietgap]),
        ("cam-vinh", [expired_organic]),
        ("mat-ong-hoa-nhan", [organic]),
    ):
        products[slug].certifications.set(certificates)
        products[slug].save()
    return products


def slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def page_slugs(response) -> list[str]:
    """Product slugs of a catalogue page's cards, read off its HTML in order."""
    assert response.status_code == 200
    return re.findall(
        r'<h3 class="product-card__name"><a href="/san-pham/([^/"]+)/">',
        response.content.decode(),
    )


def test_products_are_the_published_ones_newest_first(client, market):
    response = client.get("/api/v1/products")
    assert slugs(response) == NEWEST_FIRST
    body = response.json()
    assert body["count"] == 5
    assert body["pages"] == 1
    first = body["results"][0]
    assert first["cooperative"] == {
        "slug": "htx-mat-ong-ha-tinh",
        "name": "HTX Mật ong Hà Tĩnh",
    }
    assert first["category"] == "mat-ong"
    assert first["price"] == 250000
    assert first["url"] == "http://testserver/san-pham/mat-ong-hoa-nhan/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A parent category includes its children.
        ({"category": "che"}, {"che-bup", "che-xanh-thanh-chuong"}),
        ({"category": "che-xanh"}, {"che-xanh-thanh-chuong"}),
        ({"category": "trai-cay"}, {"cam-vinh", "cam-xa-doai"}),
        ({"cooperative": "htx-cam-vinh"}, {"cam-vinh", "cam-xa-doai"}),
        ({"province": HA_TINH}, {"mat-ong-hoa-nhan"}),
        ({"commune": THANH_VINH}, {"cam-vinh", "cam-xa-doai"}),
        # Only certificates in force today count.
        ({"certification": "vietgap"}, {"che-bup"}),
        ({"certification": "organic"}, {"mat-ong-hoa-nhan"}),
        ({"ocop": "4"}, {"che-xanh-thanh-chuong", "mat-ong-hoa-nhan"}),
        ({"price_min": 150000}, {"che-xanh-thanh-chuong", "mat-ong-hoa-nhan"}),
        ({"price_max": 60000}, {"cam-vinh", "cam-xa-doai"}),
        (
            {"in_stock": "true"},
            {"che-bup", "cam-vinh", "cam-xa-doai", "mat-ong-hoa-nhan"},
        ),
        (
            {"in_season": "true"},
            {"che-bup", "che-xanh-thanh-chuong", "cam-vinh", "mat-ong-hoa-nhan"},
        ),
        ({"in_stock": "false"}, set(NEWEST_FIRST)),
        ({"category": "che", "in_stock": "true"}, {"che-bup"}),
    ],
)
def test_each_filter_narrows_the_products(client, market, query, expected):
    assert set(slugs(client.get("/api/v1/products", query))) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", NEWEST_FIRST),
        (
            "price_asc",
            [
                "cam-vinh",
                "cam-xa-doai",
                "che-bup",
                "che-xanh-thanh-chuong",
                "mat-ong-hoa-nhan",
            ],
        ),
        (
            "price_desc",
            [
                "mat-ong-hoa-nhan",
                "che-xanh-thanh-chuong",
                "che-bup",
                "cam-xa-doai",
                "cam-vinh",
            ],
        ),
        (
            "name",
            [
                "cam-vinh",
                "cam-xa-doai",
                "che-bup",
                "che-xanh-thanh-chuong",
                "mat-ong-hoa-nhan",
            ],
        ),
    ],
)
def test_sort_orders_the_products(client, market, sort, expected):
    assert slugs(client.get("/api/v1/products", {"sort": sort})) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Equally good matches: the newest first, as on the catalogue page.
        ("che", ["che-xanh-thanh-chuong", "che-bup"]),
        ("CHE XANH", ["che-xanh-thanh-chuong"]),
        ("mat ong", ["mat-ong-hoa-nhan"]),
        ("cam vinh", ["cam-vinh", "cam-xa-doai"]),
        ("Chè", ["che-xanh-thanh-chuong", "che-bup"]),
        ("sầu riêng", []),
    ],
)
def test_search_ignores_case_and_diacritics(client, market, q, expected):
    assert slugs(client.get("/api/v1/products", {"q": q})) == expected


def test_pagination_gives_totals_and_links_that_keep_the_filters(client, market):
    first = client.get("/api/v1/products", {"page_size": 2, "sort": "name"}).json()
    assert first["count"] == 5
    assert first["pages"] == 3
    assert first["page"] == 1
    assert first["page_size"] == 2
    assert first["previous"] is None
    assert [p["slug"] for p in first["results"]] == ["cam-vinh", "cam-xa-doai"]
    assert "sort=name" in first["next"]
    assert "page=2" in first["next"]

    second = client.get(first["next"]).json()
    assert [p["slug"] for p in second["results"]] == [
        "che-bup",
        "che-xanh-thanh-chuong",
    ]
    assert "page=1" in second["previous"]
    last = client.get(second["next"]).json()
    assert [p["slug"] for p in last["results"]] == ["mat-ong-hoa-nhan"]
    assert last["next"] is None


def test_a_page_past_the_end_is_empty_and_points_back_to_the_last(client, market):
    body = client.get("/api/v1/products", {"page_size": 2, "page": 9}).json()
    assert body["count"] == 5
    assert body["results"] == []
    assert body["next"] is None
    assert "page=3" in body["previous"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"category": "khong-co"}, "category"),
        ({"cooperative": "khong-co"}, "cooperative"),
        ({"province": 9999}, "province"),
        ({"commune": 1}, "commune"),
        # Ha Tinh's ward is not in Nghe An.
        ({"province": 40, "commune": HA_TINH_COMMUNE}, "commune"),
        ({"certification": "iso"}, "certification"),
        ({"ocop": "7"}, "ocop"),
        ({"sort": "cheapest"}, "sort"),
        ({"price_min": "re"}, "price_min"),
        ({"price_min": -1}, "price_min"),
        ({"price_min": 200000, "price_max": 100000}, "price_max"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
        ({"page_size": 1000}, "page_size"),
    ],
)
def test_bad_filters_get_422_naming_the_parameter(client, market, query, field):
    response = client.get("/api/v1/products", query)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert field in {error["field"] for error in body["errors"]}
    assert {error["location"] for error in body["errors"]} == {"query"}
    assert all(error["message"] for error in body["errors"])


# Each pair: the catalogue page's query string, and the same query for the API
# (which reads booleans as true/false where the page's checkboxes send "on").
SAME_QUERIES = [
    ({}, {}),
    ({"q": "che"}, {"q": "che"}),
    ({"q": "cam vinh"}, {"q": "cam vinh"}),
    ({"q": "htx con cuong"}, {"q": "htx con cuong"}),
    ({"category": "che"}, {"category": "che"}),
    ({"sort": "price_asc"}, {"sort": "price_asc"}),
    ({"sort": "name", "in_stock": "on"}, {"sort": "name", "in_stock": "true"}),
    (
        {"in_season": "on", "sort": "price_desc"},
        {"in_season": "true", "sort": "price_desc"},
    ),
    ({"province": "40", "ocop": "3"}, {"province": "40", "ocop": "3"}),
    ({"certification": "organic"}, {"certification": "organic"}),
    (
        {"price_min": "50000", "price_max": "200000"},
        {"price_min": "50000", "price_max": "200000"},
    ),
    ({"q": "che", "sort": "newest"}, {"q": "che", "sort": "newest"}),
]


@pytest.mark.parametrize(("page_query", "api_query"), SAME_QUERIES)
def test_the_api_lists_the_catalogue_pages_products_in_the_same_order(
    client, market, settings, page_query, api_query
):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 2
    for page in (1, 2, 3):
        on_page = page_slugs(client.get("/san-pham/", {**page_query, "page": page}))
        from_api = slugs(
            client.get("/api/v1/products", {**api_query, "page": page, "page_size": 2})
        )
        if not from_api:
            break
        assert on_page == from_api, (page_query, page)
    whole = slugs(client.get("/api/v1/products", {**api_query, "page_size": 100}))
    all_pages = []
    for page in range(1, 4):
        response = client.get("/san-pham/", {**page_query, "page": page})
        if page > 1 and response.context["page_obj"].number < page:
            break  # the page clamps a page past the end to the last one
        all_pages += page_slugs(response)
    assert all_pages == whole


def test_draft_products_stay_hidden_even_from_their_cooperatives_token(
    client, market, issue_token
):
    cooperative = market["che-bup"].cooperative
    _token, key = issue_token(cooperative)
    assert client.get("/api/v1/products/che-nhap").status_code == 404
    assert client.get("/api/v1/products/che-nhap", **bearer(key)).status_code == 404
    listed = slugs(client.get("/api/v1/products", **bearer(key)))
    assert listed == NEWEST_FIRST


def test_product_detail_has_description_certificates_and_lots(client, market):
    product = market["che-bup"]
    lot = LotFactory(cooperative=product.cooperative, code="CHE-BUP-01")
    product.lots.add(lot)
    product.save()
    response = client.get("/api/v1/products/che-bup")
    assert response.status_code == 200
    body = response.json()
    assert body["slug"] == "che-bup"
    assert [c["kind"] for c in body["certifications"]] == ["vietgap"]
    assert body["certifications"][0]["in_force"] is True
    assert body["lots"] == [
        {
            "public_id": lot.public_id,
            "code": "CHE-BUP-01",
            "harvest_date": lot.harvest_date.isoformat(),
            "status": "active",
            "url": f"http://testserver/l/{lot.public_id}/",
            "api_url": f"http://testserver/api/v1/lots/{lot.public_id}",
        }
    ]
    assert client.get(body["lots"][0]["api_url"]).status_code == 200


def test_unknown_product_is_a_json_404(client, market):
    response = client.get("/api/v1/products/khong-co")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_categories_list_parents_before_children(client, market):
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    listed = [(c["slug"], c["parent"]) for c in response.json()]
    assert listed.index(("che", None)) < listed.index(("che-xanh", "che"))
    assert listed.index(("trai-cay", None)) < listed.index(("cam", "trai-cay"))
    assert len(listed) == 5


def _more_products(market, count):
    category = market["che-bup"].category
    for number in range(count):
        product = ProductFactory(
            category=category,
            cooperative=CooperativeFactory(),
            first_published_at=published(10 + number),
        )
        product.certifications.set(
            [CertificationFactory(cooperative=product.cooperative)]
        )


@pytest.mark.parametrize("extra", [0, 25])
def test_product_list_queries_do_not_grow_with_the_products(
    client, market, extra, django_assert_max_num_queries
):
    _more_products(market, extra)
    # The category, its subcategories' ids, the count, the page and its images.
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/products", {"page_size": 50, "category": "che"})
    assert response.json()["count"] == 2 + extra


@pytest.mark.parametrize("extra", [0, 25])
def test_category_list_queries_are_fixed(
    client, market, extra, django_assert_max_num_queries
):
    for number in range(extra):
        CategoryFactory(slug=f"them-{number}", parent=market["che-bup"].category)
    with django_assert_max_num_queries(1):
        response = client.get("/api/v1/categories")
    assert len(response.json()) == 5 + extra
