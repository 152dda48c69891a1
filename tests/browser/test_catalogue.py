"""A buyer browses, filters, searches without diacritics and opens a product."""

import pytest

from market.models import ProductImage
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import CooperativeFactory, make_image


@pytest.fixture
def shop(site_url):
    tea_coop = CooperativeFactory(name="HTX Chè Thanh Chương", slug="htx-che")
    orange_coop = CooperativeFactory(name="HTX Cam Vinh Quỳ Hợp", slug="htx-cam")
    tea = CategoryFactory(name="Chè", slug="che")
    fruit = CategoryFactory(name="Trái cây", slug="trai-cay")
    for i, price in enumerate([120000, 185000, 250000]):
        ProductFactory(
            cooperative=tea_coop,
            category=tea,
            name=f"Chè xanh Thanh Chương hộp {i + 1}",
            slug=f"che-xanh-{i}",
            price=price,
        )
    cam = ProductFactory(
        cooperative=orange_coop,
        category=fruit,
        name="Cam Vinh loại 1",
        slug="cam-vinh-loai-1",
        price=45000,
        stock=0,
    )
    ProductImage.objects.create(
        product=cam,
        image=make_image(title="Cam Vinh", colour="orange", size=(800, 600)),
    )
    return site_url


def test_buyer_browses_filters_searches_and_opens_a_product(page, shop, screenshot):
    page.goto(shop + "/san-pham/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator(".product-card").count() == 4
    screenshot("catalogue-all")

    # Filter: tea only, in stock, cheapest first.
    page.get_by_role("combobox", name="Danh mục").select_option("che")
    page.get_by_label("Còn hàng").check()
    page.get_by_role("combobox", name="Sắp xếp").select_option("price_asc")
    page.get_by_role("button", name="Áp dụng").click()
    page.wait_for_url("**category=che**")
    names = page.locator(".product-card__name").all_inner_texts()
    assert names == [
        "Chè xanh Thanh Chương hộp 1",
        "Chè xanh Thanh Chương hộp 2",
        "Chè xanh Thanh Chương hộp 3",
    ]
    assert "in_stock=on" in page.url and "sort=price_asc" in page.url
    screenshot("catalogue-filtered")

    # Search without diacritics from the header.
    page.get_by_role("searchbox").first.fill("cam vinh")
    page.get_by_role("searchbox").first.press("Enter")
    page.wait_for_url("**q=cam+vinh**")
    results = page.locator(".product-card__name")
    assert results.first.inner_text() == "Cam Vinh loại 1"
    screenshot("search-cam-vinh")

    # Open the product: price in Vietnamese format, stock status, cooperative link.
    results.first.get_by_role("link").click()
    page.wait_for_url("**/san-pham/cam-vinh-loai-1/")
    assert page.get_by_role("heading", level=1).inner_text() == "Cam Vinh loại 1"
    body = page.locator("main").inner_text()
    assert "45.000 ₫" in body
    assert "Hết hàng" in body
    assert page.get_by_role("link", name="HTX Cam Vinh Quỳ Hợp").first.is_visible()
    image = page.locator(".gallery img").first
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot("product-cam-vinh")


def test_search_ignores_diacritics_and_case_in_the_browser(page, shop):
    page.goto(shop + "/tim-kiem/?q=CHE+XANH")
    names = page.locator(".product-card__name").all_inner_texts()
    assert len(names) == 3
    assert all(name.startswith("Chè xanh") for name in names)


def test_a_bad_filter_value_shows_a_message_not_an_error(page, shop):
    response = page.goto(shop + "/san-pham/?price_min=abc&category=khong-co&page=xyz")
    assert response.status == 200
    assert page.get_by_role("alert").is_visible()
    assert page.locator(".product-card").count() == 4
