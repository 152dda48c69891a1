"""What several browser tests share."""

import re
from contextlib import contextmanager

from market.models import Order

# A common Android phone's viewport, in CSS pixels.
PHONE = {"width": 390, "height": 844}
# A small phone's: the narrowest screen the pages are made for.
PHONE_360 = {"width": 360, "height": 740}

# An order's page, where the checkout lands once the order is placed.
ORDER_PAGE = re.compile(r".*/don-hang/DH-\d{6}-\w{5}/[^/]+/$")


def phone_context(browser, viewport=PHONE, **options):
    """A phone-sized, touch, Vietnamese browser context.

    `options` are Playwright's `new_context` options (java_script_enabled,
    storage_state...); they override the phone's own.
    """
    phone = {
        "viewport": viewport,
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
    }
    return browser.new_context(**{**phone, **options})


@contextmanager
def phone_page(browser, viewport=PHONE, **options):
    """A page in a `phone_context`, closed with its context afterwards."""
    context = phone_context(browser, viewport, **options)
    try:
        yield context.new_page()
    finally:
        context.close()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0: none)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def add_to_cart(page, site_url, product, quantity=None):
    """Add `product` to the cart through its page's form (works with or without
    JS); without a `quantity`, the one the form offers (the product's minimum)."""
    page.goto(site_url + product.get_absolute_url())
    if quantity is not None:
        page.fill("#add-to-cart-qty", str(quantity))
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.wait_for_load_state()


def submit_order(page) -> Order:
    """Press "Đặt hàng" on a filled checkout; the order its page then shows."""
    page.get_by_role("button", name="Đặt hàng").click()
    page.wait_for_url(ORDER_PAGE)
    return Order.objects.get(number=page.locator(".order-head__number").inner_text())
