import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from market.catalogue import filter_products
from market.fields import months_to_mask
from market.models import ProductImage
from producers.models import Certification
from tests.market.factories import CategoryFactory, ProductFactory
from tests.market.helpers import names, published
from tests.producers.factories import (
    CertificationFactory,
    CooperativeFactory,
    make_image,
)

HA_TINH = 42
HA_TINH_COMMUNE = 18115  # Phường Bắc Hồng Lĩnh
CON_CUONG = 17254  # Xã Con Cuông, Nghệ An
THANH_VINH = 16681  # Phường Thành Vinh, Nghệ An

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    """A small market: two category trees, three cooperatives in two provinces."""
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

    this_month = today.month
    other_month = this_month % 12 + 1
    products = {
        "tea_bud": ProductFactory(
            name="Chè búp Con Cuông",
            slug="che-bup",
            category=tea,
            cooperative=con_cuong,
            price=120000,
            stock=30,
            ocop_stars=3,
            first_published_at=published(5),
        ),
        "green_tea": ProductFactory(
            name="Chè xanh Thanh Chương",
            slug="che-xanh-thanh-chuong",
            category=green_tea,
            cooperative=con_cuong,
            price=150000,
            stock=0,
            ocop_stars=4,
            first_published_at=published(4),
        ),
        "orange": ProductFactory(
            name="Cam Vinh",
            slug="cam-vinh",
            category=orange,
            cooperative=vinh,
            price=45000,
            stock=200,
            season_months=months_to_mask([this_month]),
            first_published_at=published(3),
        ),
        "late_orange": ProductFactory(
            name="Cam Xã Đoài",
            slug="cam-xa-doai",
            category=orange,
            cooperative=vinh,
            price=60000,
            stock=50,
            season_months=months_to_mask([other_month]),
            first_published_at=published(2),
        ),
        "honey": ProductFactory(
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

    valid_vietgap = CertificationFactory(
        cooperative=con_cuong, kind=Certification.Kind.VIETGAP
    )
    second_vietgap = CertificationFactory(
        cooperative=con_cuong, kind=Certification.Kind.VIETGAP
    )
    expired_organic = CertificationFactory(
        cooperative=vinh,
        kind=Certification.Kind.ORGANIC,
        issued_on=today - datetime.timedelta(days=800),
        expires_on=today - datetime.timedelta(days=1),
    )
    not_yet_organic = CertificationFactory(
        cooperative=con_cuong,
        kind=Certification.Kind.ORGANIC,
        issued_on=today + datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=400),
    )
    open_ended_organic = CertificationFactory(
        cooperative=ha_tinh,
        kind=Certification.Kind.ORGANIC,
        issued_on=today - datetime.timedelta(days=30),
        expires_on=None,
    )
    products["tea_bud"].certifications.set([valid_vietgap, second_vietgap])
    products["tea_bud"].save()
    products["green_tea"].certifications.set([not_yet_organic])
    products["green_tea"].save()
    products["orange"].certifications.set([expired_organic])
    products["orange"].save()
    products["honey"].certifications.set([open_ended_organic])
    products["honey"].save()
    return products


NEWEST_FIRST = [
    "Mật ong hoa nhãn",
    "Cam Xã Đoài",
    "Cam Vinh",
    "Chè xanh Thanh Chương",
    "Chè búp Con Cuông",
]


def test_catalogue_lists_only_published_products_newest_first(client, market):
    response = client.get("/san-pham/")
    assert response.status_code == 200
    assert names(response) == NEWEST_FIRST
    assert "Chè nháp chưa đăng" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A parent category includes its children; a child only itself.
        ("category=che", {"Chè búp Con Cuông", "Chè xanh Thanh Chương"}),
        ("category=che-xanh", {"Chè xanh Thanh Chương"}),
        ("category=trai-cay", {"Cam Vinh", "Cam Xã Đoài"}),
        ("category=cam", {"Cam Vinh", "Cam Xã Đoài"}),
        ("cooperative=htx-cam-vinh", {"Cam Vinh", "Cam Xã Đoài"}),
        ("province=42", {"Mật ong hoa nhãn"}),
        (
            "province=40",
            {"Chè búp Con Cuông", "Chè xanh Thanh Chương", "Cam Vinh", "Cam Xã Đoài"},
        ),
        (f"commune={THANH_VINH}", {"Cam Vinh", "Cam Xã Đoài"}),
        (f"commune={CON_CUONG}", {"Chè búp Con Cuông", "Chè xanh Thanh Chương"}),
        # Only certificates in force today count: not expired, not yet to come.
        ("certification=vietgap", {"Chè búp Con Cuông"}),
        ("certification=organic", {"Mật ong hoa nhãn"}),
        ("certification=globalgap", set()),
        ("ocop=3", {"Chè búp Con Cuông", "Chè xanh Thanh Chương", "Mật ong hoa nhãn"}),
        ("ocop=4", {"Chè xanh Thanh Chương", "Mật ong hoa nhãn"}),
        ("ocop=5", {"Mật ong hoa nhãn"}),
        ("price_min=150000", {"Chè xanh Thanh Chương", "Mật ong hoa nhãn"}),
        ("price_max=60000", {"Cam Vinh", "Cam Xã Đoài"}),
        (
            "price_min=60000&price_max=150000",
            {"Cam Xã Đoài", "Chè búp Con Cuông", "Chè xanh Thanh Chương"},
        ),
        # Vietnamese buyers group thousands with dots; the currency sign is allowed.
        ("price_min=150.000", {"Chè xanh Thanh Chương", "Mật ong hoa nhãn"}),
        ("price_max=60.000+₫", {"Cam Vinh", "Cam Xã Đoài"}),
        ("price_max=60,000", {"Cam Vinh", "Cam Xã Đoài"}),
        (
            "in_stock=on",
            {"Chè búp Con Cuông", "Cam Vinh", "Cam Xã Đoài", "Mật ong hoa nhãn"},
        ),
        # In season: this month's products and those without a season (all year).
        (
            "in_season=on",
            {
                "Chè búp Con Cuông",
                "Chè xanh Thanh Chương",
                "Cam Vinh",
                "Mật ong hoa nhãn",
            },
        ),
        ("q=che+xanh", {"Chè xanh Thanh Chương"}),
    ],
)
def test_each_filter_alone(client, market, query, expected):
    response = client.get(f"/san-pham/?{query}")
    assert response.status_code == 200
    assert set(names(response)) == expected
    assert response.context["filter_messages"] == []


def test_a_product_with_two_valid_certificates_of_the_kind_is_listed_once(
    client, market
):
    response = client.get("/san-pham/?certification=vietgap")
    assert names(response) == ["Chè búp Con Cuông"]
    assert response.context["page_obj"].paginator.count == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=che&in_stock=on", ["Chè búp Con Cuông"]),
        ("category=trai-cay&in_season=on", ["Cam Vinh"]),
        ("province=40&price_max=100000&in_stock=on", ["Cam Xã Đoài", "Cam Vinh"]),
        ("cooperative=htx-con-cuong&ocop=4", ["Chè xanh Thanh Chương"]),
        ("certification=organic&ocop=5&price_min=200000", ["Mật ong hoa nhãn"]),
        (
            "category=che&certification=vietgap&in_season=on&in_stock=on",
            ["Chè búp Con Cuông"],
        ),
        ("q=cam&in_season=on&commune=16681", ["Cam Vinh"]),
        ("category=mat-ong&province=40", []),
    ],
)
def test_filters_combine(client, market, query, expected):
    response = client.get(f"/san-pham/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", NEWEST_FIRST),
        (
            "price_asc",
            [
                "Cam Vinh",
                "Cam Xã Đoài",
                "Chè búp Con Cuông",
                "Chè xanh Thanh Chương",
                "Mật ong hoa nhãn",
            ],
        ),
        (
            "price_desc",
            [
                "Mật ong hoa nhãn",
                "Chè xanh Thanh Chương",
                "Chè búp Con Cuông",
                "Cam Xã Đoài",
                "Cam Vinh",
            ],
        ),
        # By name, ignoring diacritics: Cam Vinh, Cam Xã Đoài, Chè búp, Chè xanh.
        (
            "name",
            [
                "Cam Vinh",
                "Cam Xã Đoài",
                "Chè búp Con Cuông",
                "Chè xanh Thanh Chương",
                "Mật ong hoa nhãn",
            ],
        ),
        # Relevance without a query is the newest first.
        ("relevance", NEWEST_FIRST),
    ],
)
def test_sort_orders(client, market, sort, expected):
    response = client.get(f"/san-pham/?sort={sort}")
    assert names(response) == expected


def test_empty_result_says_so_and_offers_the_whole_catalogue(client, market):
    response = client.get("/san-pham/?category=mat-ong&province=40")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Không có sản phẩm nào khớp với bộ lọc." in body
    assert 'href="/san-pham/"' in body


@pytest.mark.parametrize(
    "query",
    [
        "category=khong-co",
        "category=" + "x" * 5000,
        "cooperative=khong-co",
        "province=999",
        "province=abc",
        "province=-1",
        "commune=1",
        "commune=abc",
        f"province={HA_TINH}&commune={CON_CUONG}",
        "certification=fake",
        "ocop=7",
        "ocop=abc",
        "ocop=2",
        "price_min=abc",
        "price_min=-5",
        "price_min=-150.000",
        "price_max=1e9999",
        "price_max=12.5",
        "price_max=0x10",
        "price_min=99999999999999999999999999999999",
        "price_min=" + "9" * 5000,
        "price_min=%D9%A3",  # an Arabic-Indic digit: a digit to Python, not to SQL
        "price_min=500000&price_max=100000",
        "sort=bogus",
        "sort=price_asc%3BDROP+TABLE+market_product",
        "page=abc",
        "page=0",
        "page=-1",
        "page=1.5",
        "page=99999",
        "page=" + "9" * 400,
        "page=%D9%A3",
    ],
)
def test_invalid_filter_values_show_the_page_with_a_message(client, market, query):
    response = client.get(f"/san-pham/?{query}")
    assert response.status_code == 200
    messages = response.context["filter_messages"]
    assert messages, query
    body = response.content.decode()
    assert 'role="alert"' in body
    for message in messages:
        assert escape(message) in body


@pytest.mark.parametrize(
    "query",
    [
        "q=%27%22+OR+1%3D1+--",
        "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "q=%25%25%25___",
        "q=%00",
        "category=%00",
        "category=che%00",
        "q=" + "a" * 10000,
        "q=🍊🍵",
        "in_stock=maybe",
        "in_season=",
        "unknown=1",
        "q=che&q=cam",
        "category=che&category=cam",
    ],
)
def test_odd_but_harmless_values_never_fail(client, market, query):
    response = client.get(f"/san-pham/?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.content.decode()


def test_unknown_category_is_ignored_but_other_filters_still_apply(client, market):
    response = client.get("/san-pham/?category=khong-co&price_max=60000")
    assert set(names(response)) == {"Cam Vinh", "Cam Xã Đoài"}
    assert any(
        "Không có danh mục này." in m for m in response.context["filter_messages"]
    )


def test_reversed_price_range_is_ignored_with_a_message(client, market):
    response = client.get("/san-pham/?price_min=500000&price_max=100000")
    assert names(response) == NEWEST_FIRST
    assert any("giá từ" in m for m in response.context["filter_messages"])


def test_overlong_query_is_cut_with_a_notice(client, market):
    response = client.get("/san-pham/?q=" + "cam " * 60)
    assert response.status_code == 200
    assert any("100" in m for m in response.context["filter_messages"])


@pytest.fixture
def many_teas():
    tea = CategoryFactory(name="Chè", slug="che")
    other = CategoryFactory(name="Gạo", slug="gao")
    teas = [
        ProductFactory(
            name=f"Chè số {i:02d}",
            category=tea,
            stock=10,
            first_published_at=published(100 - i),
        )
        for i in range(7)
    ]
    ProductFactory(name="Gạo nếp", category=other, first_published_at=published(0))
    return teas


def test_pagination_links_keep_the_filters(client, many_teas, settings):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 3
    response = client.get("/san-pham/?category=che&in_stock=on&sort=newest")
    body = response.content.decode()
    assert names(response) == ["Chè số 06", "Chè số 05", "Chè số 04"]
    assert 'href="?category=che&amp;in_stock=on&amp;sort=newest&amp;page=2"' in body
    assert 'href="?category=che&amp;in_stock=on&amp;sort=newest&amp;page=3"' in body

    page_two = client.get("/san-pham/?category=che&in_stock=on&sort=newest&page=2")
    assert names(page_two) == ["Chè số 03", "Chè số 02", "Chè số 01"]
    body = page_two.content.decode()
    assert 'href="?category=che&amp;in_stock=on&amp;sort=newest&amp;page=1"' in body
    assert 'aria-current="page">2<' in body


def test_page_past_the_end_shows_the_last_page(client, many_teas, settings):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 3
    response = client.get("/san-pham/?category=che&page=40")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 3
    assert names(response) == ["Chè số 00"]
    assert any("trang cuối" in m for m in response.context["filter_messages"])


def test_page_that_is_not_a_number_shows_the_first_page(client, many_teas, settings):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 3
    response = client.get("/san-pham/?page=abc")
    assert response.context["page_obj"].number == 1
    assert names(response) == ["Gạo nếp", "Chè số 06", "Chè số 05"]


def test_filter_form_works_without_javascript(client, market):
    body = client.get("/san-pham/").content.decode()
    assert '<form class="filters__form" method="get" action="/san-pham/">' in body
    assert (
        '<button class="button button--primary" type="submit">Áp dụng</button>' in body
    )
    assert "<details" in body and "<summary>" in body
    for field in [
        "q",
        "category",
        "cooperative",
        "province",
        "commune",
        "certification",
        "ocop",
        "price_min",
        "price_max",
        "in_stock",
        "in_season",
        "sort",
    ]:
        assert f'for="id_{field}"' in body, field
        assert f'id="id_{field}"' in body, field


def test_active_filters_are_shown_with_links_that_remove_them(client, market):
    response = client.get("/san-pham/?category=che&in_stock=on&page=1")
    body = response.content.decode()
    chips = {chip.label: chip for chip in response.context["active_filters"]}
    assert chips["Danh mục"].value == "Chè"
    assert chips["Danh mục"].remove_query == "?in_stock=on"
    assert chips["Còn hàng"].remove_query == "?category=che"
    assert 'href="/san-pham/?in_stock=on"' in body


def test_commune_choices_cover_only_provinces_with_cooperatives(client, market):
    form = client.get("/san-pham/").context["form"]
    groups = dict(form.fields["commune"].choices)
    assert set(groups) == {"", "Nghệ An", "Hà Tĩnh"}


def test_english_catalogue_renders_prices_the_english_way(client, market):
    response = client.get("/en/san-pham/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "₫120,000" in body
    assert 'lang="en"' in body


def test_vietnamese_catalogue_renders_prices_the_vietnamese_way(client, market):
    body = client.get("/san-pham/").content.decode()
    assert "120.000 ₫" in body


def test_product_card_shows_price_unit_cooperative_ocop_and_stock(client, market):
    body = client.get("/san-pham/?category=che").content.decode()
    assert "Chè xanh Thanh Chương" in body
    assert "HTX Chè Con Cuông" in body
    amount = '<span class="price__amount">150.000 ₫</span>'
    assert f'{amount} <span class="price__unit">/ kg</span>' in body
    assert "OCOP 4 ★" in body
    assert "Hết hàng" in body


def test_filter_products_takes_a_plain_dict_for_other_callers(market):
    products, filterset = filter_products(
        {"category": "trai-cay", "sort": "price_desc"}
    )
    assert [p.name for p in products] == ["Cam Xã Đoài", "Cam Vinh"]
    products, filterset = filter_products({"price_min": "abc"})
    assert len(products) == 5
    assert filterset.messages


def _catalogue_with_products(count: int):
    coop = CooperativeFactory()
    category = CategoryFactory()
    certificate = CertificationFactory(cooperative=coop)
    for i in range(count):
        product = ProductFactory(
            cooperative=coop, category=category, first_published_at=published(i)
        )
        for sort_order in range(2):
            ProductImage.objects.create(
                product=product,
                image=make_image(title=f"Ảnh {i}-{sort_order}", size=(80, 60)),
                sort_order=sort_order,
            )
        product.certifications.set([certificate])
        product.save()


def _queries_for(client, url) -> int:
    client.get(url)  # the first visit makes the image renditions
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/san-pham/",
        "/san-pham/?certification=vietgap&in_stock=on&sort=price_asc",
        "/tim-kiem/?q=che+bup",
    ],
)
def test_listing_query_count_does_not_grow_with_the_page_size(
    client, settings, django_assert_max_num_queries, url
):
    settings.MARKET_CATALOGUE_PAGE_SIZE = 30
    _catalogue_with_products(5)
    with_five = _queries_for(client, url)
    _catalogue_with_products(25)
    with_thirty = _queries_for(client, url)
    assert len(client.get(url).context["products"]) == 30
    assert with_thirty == with_five
    with django_assert_max_num_queries(12):
        client.get(url)


def test_cooperative_profile_lists_its_published_products_in_stock_first(client):
    coop = CooperativeFactory(slug="htx-hanh-lam")
    ProductFactory(
        name="Chè hết hàng", cooperative=coop, stock=0, first_published_at=published(0)
    )
    ProductFactory(
        name="Chè còn hàng", cooperative=coop, first_published_at=published(5)
    )
    ProductFactory(name="Chè nháp", cooperative=coop, live=False)
    ProductFactory(name="Sản phẩm của HTX khác")
    response = client.get("/hop-tac-xa/htx-hanh-lam/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Chè còn hàng") < body.index("Chè hết hàng")
    assert "Chè nháp" not in body
    assert "Sản phẩm của HTX khác" not in body
    assert "?cooperative=htx-hanh-lam" not in body


def test_cooperative_profile_links_to_the_catalogue_when_it_has_many_products(client):
    coop = CooperativeFactory(slug="htx-lon")
    for _ in range(13):
        ProductFactory(cooperative=coop)
    body = client.get("/hop-tac-xa/htx-lon/").content.decode()
    assert body.count('<article class="product-card') == 12
    assert 'href="/san-pham/?cooperative=htx-lon"' in body


def test_sort_select_shows_the_order_in_use(client, market):
    body = client.get("/san-pham/").content.decode()
    assert '<option value="newest" selected>' in body
    body = client.get("/tim-kiem/?q=cam").content.decode()
    assert '<option value="relevance" selected>' in body
    body = client.get("/san-pham/?sort=price_desc").content.decode()
    assert '<option value="price_desc" selected>' in body
