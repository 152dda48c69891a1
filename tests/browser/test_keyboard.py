"""A buyer who uses only the keyboard buys from the product page to the order
confirmation: Tab, Shift+Tab, Enter, Space, arrow keys and typing, never the
mouse. Each stop shows where the focus is."""

import re

import pytest
from playwright.sync_api import Error as PlaywrightError

from market.models import Order, PaymentMethod
from tests.market.factories import CategoryFactory, ProductFactory
from tests.producers.factories import CooperativeFactory

MAX_TABS = 80

FOCUS_RING = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
  };
}"""


@pytest.fixture
def product(site_url):
    cooperative = CooperativeFactory(
        name="HTX Chè Thanh Chương", slug="htx-che", email="che@example.vn"
    )
    return ProductFactory(
        cooperative=cooperative,
        category=CategoryFactory(name="Chè", slug="che"),
        name="Chè búp khô Thanh Chương",
        slug="che-bup-kho",
        price=180000,
        stock=20,
    )


def wait_until(page, expression: str, seconds: float = 10):
    """Poll `expression` from the test (page.wait_for_function would evaluate a
    string inside the page, which the site's Content Security Policy forbids)."""
    for _ in range(int(seconds * 10)):
        page.wait_for_load_state()
        try:
            if page.evaluate(expression):
                return
        except PlaywrightError:  # a navigation replaced the page meanwhile
            pass
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds} s: {expression}")


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def assert_focus_visible(page):
    ring = page.evaluate(FOCUS_RING)
    shows = (ring["outlineStyle"] != "none" and ring["outlineWidth"] > 0) or (
        ring["boxShadow"] not in ("", "none")
    )
    assert shows, f"no visible focus on the focused {ring}"


def tab_to(page, selector: str, max_presses: int = MAX_TABS, key: str = "Tab"):
    """Press Tab until the focused element matches `selector`."""
    for _ in range(max_presses):
        page.keyboard.press(key)
        if focused(page, selector):
            assert_focus_visible(page)
            return
    active = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(
        f"{selector} not reached in {max_presses} presses of {key}; at {active}"
    )


def choose_with_arrows(page, selector: str, value: str, max_presses: int = 800):
    """On a focused <select>, press ArrowDown (then ArrowUp) until `value`."""
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(max_presses):
            if page.evaluate("s => document.querySelector(s).value", selector) == value:
                return
            before = page.evaluate("s => document.querySelector(s).value", selector)
            page.keyboard.press(key)
            after = page.evaluate("s => document.querySelector(s).value", selector)
            if before == after:
                break  # the end of the list
    assert page.evaluate("s => document.querySelector(s).value", selector) == value


def type_into(page, selector: str, text: str):
    tab_to(page, selector)
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.press("Delete")
    page.keyboard.type(text)


@pytest.mark.parametrize("screen", ["page", "phone"])
def test_a_keyboard_only_buyer_goes_from_product_to_order_confirmation(
    request, screen, site_url, product, screenshot
):
    # A laptop, and a phone with a keyboard (or a switch) attached.
    page = request.getfixturevalue(screen)
    page.goto(site_url + product.get_absolute_url())

    # The first Tab stop is the skip link, and it moves the focus to <main>.
    page.keyboard.press("Tab")
    assert focused(page, "a.skip-link")
    assert page.locator("a.skip-link").is_visible()
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    assert focused(page, "main#main")

    # From <main>, the next stops are the page's own: quantity, then add.
    type_into(page, "#add-to-cart-qty", "2")
    tab_to(page, "form.add-to-cart button[type=submit]")
    screenshot(f"keyboard-{screen}-product-add", page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Back on the product page, the header's cart link counts what was added.
    wait_until(
        page, "document.querySelector('[data-cart-count]').textContent.trim() !== ''"
    )
    tab_to(page, "a.site-nav__cart")
    page.keyboard.press("Enter")
    page.wait_for_url("**/gio-hang/")

    # In the cart, the way on to the checkout.
    tab_to(page, "main a[href$='/thanh-toan/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/thanh-toan/")

    type_into(page, "#id_contact_name", "Nguyễn Thị Lan")
    type_into(page, "#id_phone", "0912 345 678")
    type_into(page, "#id_email", "lan@example.com")
    tab_to(page, "#id_province")
    choose_with_arrows(page, "#id_province", "40")
    # The commune list follows the province: wait for Nghệ An's communes.
    wait_until(
        page, "document.querySelectorAll('#id_commune option[value]').length > 10"
    )
    tab_to(page, "#id_commune")
    choose_with_arrows(page, "#id_commune", "17254")
    type_into(page, "#id_street", "Xóm 3, thôn Trung Tâm")

    # Delivery from the cooperative: the first choice of its radio group, with Space.
    tab_to(page, "input[type=radio][name^=delivery]")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")

    # Cash on delivery: arrow keys move the choice inside the radio group.
    tab_to(page, "input[type=radio][name=payment_method]")
    for _ in range(5):
        if focused(page, "input[value=cod]"):
            break
        page.keyboard.press("ArrowDown")
    assert focused(page, "input[value=cod]")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    assert_focus_visible(page)

    tab_to(page, "button.button--primary.button--wide[type=submit]")
    screenshot(f"keyboard-{screen}-checkout", page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/don-hang/DH-\d{6}-\w{5}/[^/]+/$"))

    order = Order.objects.get()
    assert order.contact_name == "Nguyễn Thị Lan"
    assert order.payment_method == PaymentMethod.CASH_ON_DELIVERY
    assert order.commune_code == 17254
    assert order.total == 2 * 180000 + order.delivery_total
    line = order.fulfilments.get().lines.get()
    assert (line.product_id, line.quantity) == (product.pk, 2)
    assert order.number in page.locator("main").inner_text()
    screenshot(f"keyboard-{screen}-confirmation", page)


def test_focus_is_visible_on_every_stop_of_the_header_and_product_page(
    page, site_url, product
):
    page.goto(site_url + product.get_absolute_url())
    stops = 0
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body") or (
            stops and focused(page, "a.skip-link")
        ):
            break
        assert_focus_visible(page)
        stops += 1
    assert stops >= 8
