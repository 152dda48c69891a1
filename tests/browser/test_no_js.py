"""With JavaScript off (an old phone, a data saver, a script that failed to load)
a buyer still finds a product, fills the cart and places a cash-on-delivery order.

Every step is a plain link or form with a submit button; the server does what
market/static/market/buying.js would otherwise do (the commune list of the chosen
province, the totals after a change of delivery).
"""

import re

import pytest

from market.models import Order
from tests.browser.helpers import (
    PHONE_360,
    add_to_cart,
    horizontal_overflow,
    phone_page,
    submit_order,
)
from tests.browser.phone_shop import build_phone_shop


@pytest.fixture
def shop(site_url):
    return build_phone_shop()


@pytest.fixture
def no_js(browser):
    with phone_page(browser, PHONE_360, java_script_enabled=False) as page:
        yield page


def test_a_buyer_without_javascript_finds_fills_the_cart_and_orders(
    no_js, site_url, shop, screenshot
):
    page = no_js
    page.goto(site_url + "/")
    # Home, then the catalogue from the main menu.
    page.locator(".site-nav").get_by_role("link", name="Sản phẩm").click()
    page.wait_for_url("**/san-pham/")
    assert page.locator(".product-card").count() == len(shop.products)

    # Search typed without diacritics finds the honey.
    page.fill("#site-search-q", "mat ong")
    page.locator(".site-search").get_by_role("button", name="Tìm").click()
    page.wait_for_url(re.compile(r".*/tim-kiem/\?q=mat\+ong"))
    names = page.locator(".product-card__name").all_inner_texts()
    assert names and all("Mật ong" in name for name in names)

    # The filter form: unfold it (a native <details>) and submit it.
    page.goto(site_url + "/san-pham/")
    page.locator(".filters__details summary").click()
    page.select_option("#id_category", "mat-ong")
    page.get_by_role("button", name="Áp dụng").click()
    page.wait_for_url(re.compile(r".*/san-pham/.*category=mat-ong"))
    names = page.locator(".product-card__name").all_inner_texts()
    assert len(names) == len([p for p in shop.products if "Mật ong" in p.name])
    assert all("Mật ong" in name for name in names)
    screenshot("no-js-filtered-catalogue", page)

    # Open a product and add it; then a second one.
    page.get_by_role("link", name=shop.honey.name).click()
    page.wait_for_url(f"**{shop.honey.get_absolute_url()}")
    page.fill("#add-to-cart-qty", "2")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.wait_for_load_state()
    add_to_cart(page, site_url, shop.product)

    # The cart: change a quantity, then remove the other line.
    page.goto(site_url + "/gio-hang/")
    assert page.locator(".cart-line").count() == 2
    honey_line = page.locator(".cart-line", has_text=shop.honey.name)
    honey_line.locator("input[name=quantity]").fill("3")
    honey_line.get_by_role("button", name="Cập nhật").click()
    page.wait_for_url("**/gio-hang/")
    assert page.locator(f"#qty-{shop.honey.pk}").input_value() == "3"
    tea_line = page.locator(".cart-line", has_text=shop.product.name)
    tea_line.get_by_role("button", name="Bỏ", exact=True).click()
    page.wait_for_url("**/gio-hang/")
    assert page.locator(".cart-line").count() == 1
    assert horizontal_overflow(page) <= 0
    screenshot("no-js-cart", page)
    page.locator(".cart-summary").get_by_role("link", name="Đặt hàng").click()
    page.wait_for_url("**/thanh-toan/")

    # Checkout: the province's communes come from the server on "update".
    page.fill("#id_contact_name", "Nguyễn Thị Lan")
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_email", "lan@example.com")
    page.select_option("#id_province", "42")  # Hà Tĩnh
    page.get_by_role("button", name="Cập nhật danh sách xã/phường").click()
    page.wait_for_url("**/thanh-toan/")
    # What was typed survives the round trip.
    assert page.input_value("#id_contact_name") == "Nguyễn Thị Lan"
    assert page.input_value("#id_province") == "42"
    page.select_option("#id_province", "40")  # back to Nghệ An
    page.get_by_role("button", name="Cập nhật danh sách xã/phường").click()
    page.wait_for_url("**/thanh-toan/")
    page.select_option("#id_commune", "17254")
    page.fill("#id_street", "Xóm 3, thôn Trung Tâm")
    page.locator("label.choice", has_text="Thanh toán khi nhận hàng").click()
    assert horizontal_overflow(page) <= 0
    screenshot("no-js-checkout", page)
    order = submit_order(page)
    assert order.status == Order.Status.PLACED
    assert order.payment_method == "cod"
    assert order.commune_code == 17254
    lines = [
        (line.product_id, line.quantity)
        for fulfilment in order.fulfilments.all()
        for line in fulfilment.lines.all()
    ]
    assert lines == [(shop.honey.pk, 3)]
    assert "Nguyễn Thị Lan" in page.locator("main").inner_text()
    screenshot("no-js-confirmation", page)
