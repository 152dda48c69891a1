"""Every public page type on a 360 px phone: nothing spills sideways, and every
control is large enough to tap.

Tap targets follow WCAG 2.2's target size minimum (2.5.8): at least 24 x 24 CSS
px, links inside a sentence excepted (they are sized by the text around them);
a checkbox or radio counts with its label, which is what a thumb presses.
Primary buttons aim higher: 44 px tall, the size a thumb finds without looking.
"""

import pytest

from tests.browser.helpers import (
    ORDER_PAGE,
    PHONE_360,
    add_to_cart,
    horizontal_overflow,
    phone_page,
)
from tests.browser.phone_shop import build_phone_shop

MINIMUM = 24
PRIMARY = 44

# Targets smaller than MINIMUM x MINIMUM, as "tag.class 'text' WxH".
SMALL_TARGETS_JS = """
([minimum]) => {
  const selector =
    'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const small = [];
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') return false;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) return false;  // visually hidden
    if (rect.right <= 0 || rect.left >= innerWidth) return false;  // skip link
    return el.offsetParent !== null || style.position === 'fixed';
  };
  const isInline = (el) => getComputedStyle(el).display === 'inline';
  const inSentence = (el) => {
    if (el.tagName !== 'A' || !isInline(el)) return false;
    let block = el.parentElement;
    while (block && isInline(block)) block = block.parentElement;
    if (!block) return false;
    return block.textContent.trim().length > el.textContent.trim().length + 2;
  };
  const labelOf = (el) =>
    el.closest('label') ||
    (el.id && document.querySelector(`label[for="${el.id}"]`)) ||
    el;
  for (const el of document.querySelectorAll(selector)) {
    if (!visible(el) || inSentence(el)) continue;
    const choice = el.matches('input[type=checkbox], input[type=radio]');
    const rect = (choice ? labelOf(el) : el).getBoundingClientRect();
    if (rect.width + 0.5 < minimum || rect.height + 0.5 < minimum) {
      const name = (el.getAttribute('aria-label') || el.textContent || el.name || '')
        .trim()
        .slice(0, 30);
      const size = `${Math.round(rect.width)}x${Math.round(rect.height)}`;
      small.push(`${el.tagName.toLowerCase()}.${el.className} '${name}' ${size}`);
    }
  }
  return small;
}
"""

SHORT_PRIMARY_JS = """
([height]) => [...document.querySelectorAll('.button--primary')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.textContent.trim(), el.getBoundingClientRect().height])
  .filter(([, h]) => h + 0.5 < height)
  .map(([text, h]) => `${text} ${Math.round(h)}`)
"""


@pytest.fixture
def shop(site_url):
    return build_phone_shop()


@pytest.fixture
def narrow(browser):
    with phone_page(browser, PHONE_360) as page:
        yield page


def place_order(page, site_url) -> str:
    """A cash-on-delivery order through the checkout; the confirmation's URL."""
    page.goto(site_url + "/thanh-toan/")
    page.fill("#id_contact_name", "Nguyễn Thị Lan")
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_email", "lan@example.com")
    page.select_option("#id_commune", "17254")
    page.fill("#id_street", "Xóm 3")
    page.locator("label.choice", has_text="Thanh toán khi nhận hàng").click()
    page.get_by_role("button", name="Đặt hàng").click()
    page.wait_for_url(ORDER_PAGE)
    return page.url


def check(page, name, problems):
    overflow = horizontal_overflow(page)
    if overflow > 0:
        problems.append(f"{name}: {overflow}px wider than the screen")
    for target in page.evaluate(SMALL_TARGETS_JS, [MINIMUM]):
        problems.append(f"{name}: small target {target}")
    for button in page.evaluate(SHORT_PRIMARY_JS, [PRIMARY]):
        problems.append(f"{name}: primary button under {PRIMARY}px: {button}")


def test_every_public_page_fits_a_360px_screen_with_targets_to_tap(
    narrow, site_url, shop, screenshot
):
    page = narrow
    site = shop.site
    pages = [
        ("home", "/", 200),
        ("catalogue", "/san-pham/", 200),
        ("filtered catalogue", "/san-pham/?category=che&sort=price&in_stock=on", 200),
        ("search", "/tim-kiem/?q=mat+ong", 200),
        ("product", shop.product.get_absolute_url(), 200),
        ("cooperative list", "/hop-tac-xa/", 200),
        ("cooperative", shop.tea_coop.get_absolute_url(), 200),
        ("trace page", shop.lot.get_absolute_url(), 200),
        ("lot lookup", "/truy-xuat/", 200),
        ("order tracking", "/tra-cuu-don-hang/", 200),
        ("login", "/tai-khoan/dang-nhap/", 200),
        ("signup", "/tai-khoan/dang-ky/", 200),
        ("news index", site.news.url, 200),
        ("news page", shop.news_page.url, 200),
        ("event index", site.events.url, 200),
        ("event page", shop.event_page.url, 200),
        ("campaign page", shop.campaign.url, 200),
        ("standard page", site.about.url, 200),
        ("contact page", site.contact.url, 200),
        ("not found", "/khong-co-trang-nay/", 404),
    ]
    problems = []
    for name, path, status in pages:
        response = page.goto(site_url + path)
        assert response.status == status, f"{name} ({path}): {response.status}"
        check(page, name, problems)
        if name in ("catalogue", "product"):
            screenshot(f"narrow-{name}", page)

    add_to_cart(page, site_url, shop.honey, 2)
    add_to_cart(page, site_url, shop.product, 1)
    page.goto(site_url + "/gio-hang/")
    assert page.locator(".cart-line").count() == 2
    check(page, "cart", problems)
    screenshot("narrow-cart", page)
    page.goto(site_url + "/thanh-toan/")
    check(page, "checkout", problems)
    screenshot("narrow-checkout", page)
    confirmation = place_order(page, site_url)
    check(page, "order confirmation", problems)
    page.goto(confirmation)
    screenshot("narrow-confirmation", page)

    assert problems == [], "\n".join(problems)
