"""A guest buys from two cooperatives on a phone; the cooperative fulfils it in the
admin; a card checkout goes through (fake) Stripe and is settled by its webhook."""

import re

import pytest
from playwright.sync_api import expect

from market.models import Fulfilment, Order, Payment
from producers.roles import add_member, ensure_roles
from tests.browser.helpers import add_to_cart, horizontal_overflow, submit_order
from tests.market.factories import ProductFactory
from tests.producers.factories import CooperativeFactory, UserFactory


@pytest.fixture
def shop(site_url):
    ensure_roles()
    tea_coop = CooperativeFactory(
        name="HTX Chè Thanh Chương", slug="htx-che", email="che@example.vn"
    )
    orange_coop = CooperativeFactory(
        name="HTX Cam Vinh", slug="htx-cam", email="cam@example.vn"
    )
    tea = ProductFactory(
        cooperative=tea_coop,
        name="Chè búp khô",
        slug="che-bup-kho",
        price=180000,
        stock=20,
    )
    orange = ProductFactory(
        cooperative=orange_coop,
        name="Cam Vinh loại 1",
        slug="cam-vinh-loai-1",
        price=45000,
        stock=100,
        min_order_quantity=3,
    )
    editor = UserFactory(username="editor-che")
    add_member(editor, tea_coop)
    return {"tea": tea, "orange": orange, "editor": editor}


def fill_checkout(page, payment_label):
    page.fill("#id_contact_name", "Nguyễn Thị Lan")
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_email", "lan@example.com")
    # With the script running, the no-script button that reloads the commune
    # list is not shown: the list follows the province by itself.
    expect(page.locator("[data-refresh-communes]")).to_be_hidden()
    page.select_option("#id_province", "40")
    # The script fills the commune list for the chosen province.
    page.wait_for_function(
        "() => document.querySelectorAll('#id_commune option[value]').length > 10"
    )
    page.select_option("#id_commune", "17254")
    page.fill("#id_street", "Xóm 3, thôn Trung Tâm")
    page.locator("label.choice", has_text=payment_label).click()


def test_guest_buys_from_two_cooperatives_with_cash_and_the_cooperative_ships_it(
    phone, site_url, shop, screenshot, browser
):
    page = phone
    add_to_cart(page, site_url, shop["tea"], 2)
    add_to_cart(page, site_url, shop["orange"], 5)

    page.goto(site_url + "/gio-hang/")
    groups = page.locator(".cart-group__name").all_inner_texts()
    assert groups == ["HTX Cam Vinh", "HTX Chè Thanh Chương"]
    assert horizontal_overflow(page) <= 0
    screenshot("buying-cart-phone", page)

    page.goto(site_url + "/thanh-toan/")
    fill_checkout(page, "Thanh toán khi nhận hàng")
    assert horizontal_overflow(page) <= 0
    screenshot("buying-checkout-phone", page)
    order = submit_order(page)
    number = order.number
    assert order.status == Order.Status.PLACED
    assert order.total == 2 * 180000 + 5 * 45000 + 2 * 30000
    assert order.fulfilments.count() == 2
    assert "HTX Chè Thanh Chương" in page.content()
    assert horizontal_overflow(page) <= 0
    screenshot("buying-confirmation-phone", page)

    # The guest finds the order again with its number and their phone number.
    page.goto(site_url + "/tra-cuu-don-hang/")
    page.fill("#id_number", number)
    page.fill("#id_contact", "0912345678")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert number in page.locator("main").inner_text()
    screenshot("buying-tracking-phone", page)

    # The tea cooperative confirms, packs and ships its part in the admin.
    fulfilment = order.fulfilments.get(cooperative=shop["tea"].cooperative)
    admin = browser.new_page(viewport={"width": 1280, "height": 900})
    admin.goto(site_url + "/admin/login/")
    admin.fill("#id_username", "editor-che")
    admin.fill("#id_password", "password")
    admin.locator("form button[type=submit]").click()
    admin.wait_for_url("**/admin/")
    admin.goto(site_url + "/admin/don-hang/hop-tac-xa/")
    assert number in admin.locator("main").inner_text()
    # The other cooperative's part of the same order is not listed.
    screenshot("buying-admin-fulfilments", admin)
    assert admin.locator("table.listing tbody tr").count() == 1
    admin.get_by_role("link", name=number).first.click()
    admin.wait_for_load_state()
    for button in ("Xác nhận đơn", "Đã đóng gói"):
        admin.get_by_role("button", name=button).click()
        admin.wait_for_load_state()
    admin.fill("#note-ship", "Viettel Post VP123456")
    admin.get_by_role("button", name="Giao cho vận chuyển").click()
    admin.wait_for_load_state()
    screenshot("buying-admin-fulfilment-shipped", admin)
    fulfilment.refresh_from_db()
    assert fulfilment.status == Fulfilment.Status.SHIPPED
    assert fulfilment.tracking_note == "Viettel Post VP123456"
    admin.close()

    # The buyer's tracking page now shows the tea as on its way.
    page.goto(site_url + order.get_absolute_url())
    assert "Đang giao" in page.locator("main").inner_text()


def test_card_checkout_goes_through_stripe_and_is_paid_by_the_webhook(
    phone,
    site_url,
    shop,
    fake_stripe,
    screenshot,
):
    fake_stripe.webhook_url = site_url + "/thanh-toan/stripe/webhook/"
    page = phone
    add_to_cart(page, site_url, shop["tea"], 1)
    page.goto(site_url + "/thanh-toan/")
    fill_checkout(page, "Thẻ (Stripe)")
    page.get_by_role("button", name="Đặt hàng").click()

    # The fake Stripe's hosted page, reached by the redirect to the session URL.
    page.wait_for_url(re.compile(re.escape(fake_stripe.base_url) + r"/pay/.+"))
    order = Order.objects.get()
    assert order.status == Order.Status.AWAITING_PAYMENT
    screenshot("buying-fake-stripe-page", page)
    page.locator("button").first.click()

    # Back on the market: the status page shows what the webhook settled.
    page.wait_for_url(re.compile(r".*/don-hang/.+/thanh-toan/.*"))
    page.wait_for_selector(".payment-status__title--ok", timeout=15000)
    screenshot("buying-card-paid", page)
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("placed", "paid")
    assert order.payments.get().status == Payment.Status.SUCCEEDED
    shop["tea"].refresh_from_db()
    assert shop["tea"].stock == 19
