"""The scan path: a buyer's phone opens the URL in the lot's QR code."""

import pytest

from market.models import ProductImage
from producers.qr import lot_qr_url
from tests.browser.helpers import horizontal_overflow
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import CooperativeFactory, make_image
from tests.producers.lot_histories import (
    certify,
    pooled_lot,
    recalled_lot,
    record_full_history,
    tea_lot,
)

PHONE = {"width": 360, "height": 740}
GTIN = "08935000000014"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def sold_lot(site_url):
    cooperative = CooperativeFactory(
        name="Hợp tác xã Nông nghiệp Dịch vụ Chè Thanh Chương",
        slug="htx-che-thanh-chuong",
    )
    lot = tea_lot(gtin=GTIN, cooperative=cooperative)
    certify(lot)
    record_full_history(lot)
    product = ProductFactory(
        cooperative=cooperative,
        category=CategoryFactory(name="Chè", slug="che"),
        name="Chè búp khô Thanh Chương hộp 500 g",
        price=185000,
    )
    photo = make_image(colour="#6b8e23", size=(800, 600))
    ProductImage.objects.create(product=product, image=photo, sort_order=0)
    product.lots.add(lot)
    product.save()
    return lot


def test_scanning_the_qr_code_opens_the_lot_page_on_a_phone(
    phone, site_url, sold_lot, screenshot
):
    # What the camera reads: the upper-cased URL printed in the QR code.
    response = phone.goto(lot_qr_url(sold_lot, base_url=site_url))
    assert response.status == 200
    assert phone.get_by_role("heading", level=1).inner_text() == sold_lot.product_name
    verified = phone.get_by_text("Chuỗi nhật ký đã được kiểm chứng")
    assert verified.is_visible()
    timeline = phone.locator(".timeline__item")
    assert timeline.count() == 4
    assert timeline.first.get_by_text("Phun thuốc bảo vệ thực vật").is_visible()
    assert timeline.nth(2).get_by_text("Dư lượng Abamectin").is_visible()
    buy = phone.get_by_role("link", name="Mua sản phẩm này")
    assert buy.is_visible() and buy.bounding_box()["height"] >= 40
    assert horizontal_overflow(phone) <= 0
    screenshot("trace-phone-lot", phone)
    buy.click()
    phone.wait_for_url("**/san-pham/**")
    assert "Chè búp khô Thanh Chương hộp 500 g" in phone.title()


def test_a_recalled_lot_shows_its_red_banner_on_a_phone(phone, site_url, screenshot):
    lot = recalled_lot()
    phone.goto(site_url + lot.get_absolute_url())
    banner = phone.get_by_role("alert")
    assert "Lô hàng này đã bị thu hồi" in banner.inner_text()
    color = banner.evaluate("el => getComputedStyle(el).backgroundColor")
    assert color == "rgb(179, 38, 30)"
    assert horizontal_overflow(phone) <= 0
    screenshot("trace-phone-recalled", phone)


def test_a_pooled_lot_leads_to_its_harvest_lots(phone, site_url, screenshot):
    packed, first, _second = pooled_lot()
    phone.goto(site_url + packed.get_absolute_url())
    assert horizontal_overflow(phone) <= 0
    screenshot("trace-phone-pooled", phone)
    # The timeline's packing event and the list below both link to each input.
    phone.locator(".lot-links").get_by_role("link", name=first.code).click()
    phone.wait_for_url(f"**{first.get_absolute_url()}")
    assert phone.get_by_text("Lô này đã được gộp vào").is_visible()


def test_a_mistyped_code_gets_a_form_to_try_again(phone, site_url, screenshot):
    lot = tea_lot(gtin=GTIN)
    response = phone.goto(site_url + f"/01/{GTIN}/10/CHE-2025-11-X")
    assert response.status == 404
    assert horizontal_overflow(phone) <= 0
    screenshot("trace-phone-not-found", phone)
    field = phone.get_by_label("Mã lô hoặc mã tra cứu")
    field.fill(lot.public_id.lower())
    phone.get_by_role("button", name="Tra cứu").click()
    phone.wait_for_url(f"**{lot.get_absolute_url()}")
    assert phone.get_by_role("heading", level=1).inner_text() == lot.product_name
