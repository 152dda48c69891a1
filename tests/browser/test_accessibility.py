"""axe-core on every public page type and the checkout, on a phone, in both
languages: no violation of impact "serious" or "critical".

Officials who use screen readers read these pages; everyone reads them on a
phone. axe-core is the copy bundled with axe-playwright-python (no network).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from market.models import Order
from tests.browser.a11y_site import (
    GTIN,
    build_site,
    checkout_with_items,
    go,
    sign_in,
    signup_with_errors,
    submit_unchecked,
)
from tests.browser.helpers import add_to_cart

BLOCKING = {"serious", "critical"}
AXE = Axe()


@pytest.fixture
def site(site_url):
    return build_site()


def checkout_with_errors(page, url, site):
    checkout_with_items(page, url, site)
    page.fill("#id_contact_name", "Nguyễn Thị Lan")
    page.fill("#id_phone", "12")
    page.fill("#id_email", "khong-phai-email")
    submit_unchecked(page, "form.checkout", page.locator("button.button--wide"))


def contact_with_errors(page, url, site):
    go(page, url + site.pages.contact.url)
    submit_unchecked(page, "main form")


def tracked_order(page, url, site):
    go(page, url + "/tra-cuu-don-hang/")
    page.fill("#id_number", site.cash_order.number)
    page.fill("#id_contact", "0912345678")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()


def account(page, url, site):
    sign_in(page, url)
    go(page, url + "/tai-khoan/")


def account_order(page, url, site):
    sign_in(page, url)
    go(page, url + f"/tai-khoan/don-hang/{site.cash_order.number}/")


def address(path_of):
    """A step that only opens an address (a function of the site's data)."""

    def open_page(page, url, site):
        go(page, url + path_of(site))

    return open_page


def cart_with_items(page, url, site):
    add_to_cart(page, url, site.tea, 2)
    add_to_cart(page, url, site.orange, 3)
    go(page, url + "/gio-hang/")


PAGES = {
    "home": address(lambda s: "/"),
    "catalogue": address(lambda s: "/san-pham/"),
    "catalogue-filtered": address(lambda s: "/san-pham/?category=che&ocop=4"),
    "catalogue-bad-filter": address(lambda s: "/san-pham/?price_min=abc"),
    "search": address(lambda s: "/tim-kiem/?q=cam"),
    "search-no-results": address(lambda s: "/tim-kiem/?q=sau+rieng+ri6"),
    "product": address(lambda s: s.tea.get_absolute_url()),
    "product-out-of-stock": address(lambda s: "/san-pham/nuoc-cam-ep/"),
    "cooperatives": address(lambda s: "/hop-tac-xa/"),
    "cooperative": address(lambda s: s.tea_coop.get_absolute_url()),
    "lot": address(lambda s: s.lot.get_absolute_url()),
    "lot-recalled": address(lambda s: s.recalled.get_absolute_url()),
    "lot-lookup": address(lambda s: "/truy-xuat/"),
    "lot-not-found": address(lambda s: f"/01/{GTIN}/10/KHONG-CO"),
    "cart-empty": address(lambda s: "/gio-hang/"),
    "cart": cart_with_items,
    "checkout": checkout_with_items,
    "checkout-errors": checkout_with_errors,
    "order-confirmation": address(lambda s: s.bank_order.get_absolute_url()),
    "order-confirmation-cash": address(lambda s: s.cash_order.get_absolute_url()),
    "order-payment": address(lambda s: s.bank_order.get_absolute_url() + "thanh-toan/"),
    "order-payment-waiting": address(
        lambda s: s.card_order.get_absolute_url() + "thanh-toan/"
    ),
    "order-tracking": address(lambda s: "/tra-cuu-don-hang/"),
    "order-tracking-found": tracked_order,
    "login": address(lambda s: "/tai-khoan/dang-nhap/"),
    "signup": address(lambda s: "/tai-khoan/dang-ky/"),
    "signup-errors": signup_with_errors,
    "account": account,
    "account-order": account_order,
    "news-index": address(lambda s: s.pages.news.url),
    "news": address(lambda s: s.news.url),
    "event-index": address(lambda s: s.pages.events.url),
    "event": address(lambda s: s.event.url),
    "campaign-index": address(lambda s: s.pages.campaigns.url),
    "campaign": address(lambda s: s.campaign.url),
    "standard": address(lambda s: s.pages.about.url),
    "contact": address(lambda s: s.pages.contact.url),
    "contact-errors": contact_with_errors,
    "not-found": address(lambda s: "/khong-co-trang-nay/"),
    # English, under /en/
    "en-home": address(lambda s: "/en/"),
    "en-catalogue": address(lambda s: "/en/san-pham/"),
    "en-product": address(lambda s: "/en" + s.tea.get_absolute_url()),
    "en-checkout": lambda page, url, site: checkout_with_items(
        page, url, site, prefix="/en"
    ),
}


def blocking(results) -> list[dict]:
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def describe(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            lines.append(f"      {node.get('failureSummary', '')[:300]}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_accessibility_violations(phone, site_url, site, name):
    PAGES[name](phone, site_url, site)
    assert phone.locator("main").count() == 1, phone.url
    results = AXE.run(phone)
    # axe ran its rules on this page (the checks that passed are listed too).
    assert {"color-contrast", "label", "landmark-one-main"} & {
        rule["id"] for rule in results.response["passes"]
    }
    minor = [v for v in results.response["violations"] if v not in blocking(results)]
    if minor:
        print(f"{name} ({phone.url}), moderate/minor:\n{describe(minor)}")
    serious = blocking(results)
    assert not serious, f"{name} ({phone.url}):\n{describe(serious)}"


def test_the_card_payment_status_updates_in_place_without_reloading(
    phone, site_url, site
):
    """The page waiting for Stripe's word replaces only its status box, which a
    screen reader reads out (role=status); the page itself never reloads."""
    order = site.card_order
    assert order.status == Order.Status.AWAITING_PAYMENT
    go(phone, site_url + order.get_absolute_url() + "thanh-toan/")
    phone.evaluate("window.sameDocument = true")
    status = phone.locator(".payment-status")
    assert status.get_attribute("role") == "status"
    Order.objects.filter(pk=order.pk).update(
        status=Order.Status.PLACED, payment_status=Order.PaymentStatus.PAID
    )
    phone.locator(".payment-status__title--ok").wait_for(timeout=15000)
    assert phone.evaluate("window.sameDocument === true")
    assert phone.locator("meta[http-equiv=refresh]").count() == 0


def test_a_cart_change_is_read_out_as_its_message_and_new_total(phone, site_url, site):
    """Changing a quantity swaps the cart without reloading: the status line
    says what changed and the new total, instead of the whole cart being a
    live region read out again."""
    add_to_cart(phone, site_url, site.tea, 2)
    go(phone, site_url + "/gio-hang/")
    assert phone.locator("[aria-live], [role=status]").count() == 1
    status = phone.locator("[data-cart-status]")
    assert status.inner_text() == ""
    quantity = phone.locator(".cart-line__qty").first
    phone.evaluate("window.sameDocument = true")
    quantity.fill("3")
    quantity.press("Tab")
    expect(status).to_contain_text("Tổng cộng: ")
    # 3 × 185.000 ₫ of goods, and the total with delivery is what is said.
    expect(phone.locator(".cart-summary__sums dd").first).to_contain_text("555.000")
    total = phone.locator("dd.cart-summary__total").inner_text().strip()
    # In place: the page was not reloaded.
    assert phone.evaluate("window.sameDocument === true")
    said = status.inner_text()
    assert f"Tổng cộng: {total}" in said, said
    # The message of the change comes first.
    assert said.split("Tổng cộng")[0].strip(), said
