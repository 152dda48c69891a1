"""Every field of the public forms has a name a screen reader says, from a
<label for>, aria-label or aria-labelledby; after a refused submit the fields in
error say so (aria-invalid) and point at their message (aria-describedby)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.a11y_site import (
    build_site,
    checkout_with_items,
    go,
    signup_with_errors,
    submit_unchecked,
)
from tests.browser.helpers import add_to_cart

# Each visible field, with where its name comes from (empty when nowhere).
FIELDS_AND_NAMES = """
() => {
  const text = (el) => (el ? (el.innerText || el.textContent || "").trim() : "");
  const fields = [...document.querySelectorAll("input, select, textarea")].filter(
    (el) => el.type !== "hidden" && el.getClientRects().length > 0
  );
  return fields.map((el) => {
    const byLabel = [...(el.labels || [])].map(text).join(" ").trim();
    const byAria = (el.getAttribute("aria-label") || "").trim();
    const byIds = (el.getAttribute("aria-labelledby") || "")
      .split(/\\s+/).filter(Boolean)
      .map((id) => text(document.getElementById(id))).join(" ").trim();
    return {
      field: el.outerHTML.slice(0, 160),
      id: el.id,
      source:
        byLabel ? "label" : byAria ? "aria-label" : byIds ? "aria-labelledby" : "",
    };
  });
}
"""

OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => d.open = true)"


@pytest.fixture
def site(site_url):
    return build_site()


def home(page, url, site):
    go(page, url + "/")


def catalogue(page, url, site):
    go(page, url + "/san-pham/?category=che")


def cart(page, url, site):
    add_to_cart(page, url, site.tea, 2)
    go(page, url + "/gio-hang/")


def checkout(page, url, site):
    checkout_with_items(page, url, site)


def address(path):
    def open_page(page, url, site):
        go(page, url + path)

    return open_page


def contact(page, url, site):
    go(page, url + site.pages.contact.url)


FORMS = {
    "search": home,
    "filters": catalogue,
    "cart-quantity": cart,
    "add-to-cart": address("/san-pham/che-bup-kho/"),
    "checkout": checkout,
    "login": address("/tai-khoan/dang-nhap/"),
    "signup": address("/tai-khoan/dang-ky/"),
    "order-tracking": address("/tra-cuu-don-hang/"),
    "lot-lookup": address("/truy-xuat/"),
    "lot-not-found": address("/01/08935000000014/10/KHONG-CO"),
    "contact": contact,
    "english-checkout": lambda page, url, site: checkout_with_items(
        page, url, site, prefix="/en"
    ),
}

# Fields each page must have (so the check is never vacuous).
EXPECTED = {
    "search": ["#site-search-q"],
    "filters": ["#id_q", "#id_category", "#id_price_min"],
    "cart-quantity": [".cart-line__qty"],
    "add-to-cart": ["#add-to-cart-qty"],
    "checkout": ["#id_contact_name", "#id_phone", "#id_province", "#id_commune"],
    "login": ["#id_username", "#id_password"],
    "signup": ["#id_email", "#id_password1", "#id_password2"],
    "order-tracking": ["#id_number", "#id_contact"],
    "lot-lookup": ["main #id_code"],
    "lot-not-found": ["main #id_code"],
    "contact": ["main input[type=email]", "main textarea"],
    "english-checkout": ["#id_contact_name", "#id_street"],
}


@pytest.mark.parametrize("name", list(FORMS))
def test_every_visible_field_has_an_accessible_name(phone, site_url, site, name):
    FORMS[name](phone, site_url, site)
    phone.evaluate(OPEN_DETAILS)
    for selector in EXPECTED[name]:
        expect(phone.locator(selector).first).to_be_visible()
    fields = phone.evaluate(FIELDS_AND_NAMES)
    unnamed = [field["field"] for field in fields if not field["source"]]
    assert not unnamed, f"fields without a label on {name}: {unnamed}"
    # The browser's own accessibility tree agrees.
    for field in phone.locator("input, select, textarea").all():
        if field.get_attribute("type") != "hidden" and field.is_visible():
            expect(field).to_have_accessible_name(re.compile(r"\S"))


def linked_errors(page) -> dict:
    """Fields marked invalid, with the text of what their aria-describedby names."""
    return page.evaluate(
        """() => Object.fromEntries(
          [...document.querySelectorAll('[aria-invalid="true"]')].map((el) => [
            el.id || el.getAttribute("name") || el.getAttribute("role"),
            (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
              .map((id) => document.getElementById(id))
              .map((node) => (node ? node.textContent.trim() : "MISSING")).join(" | "),
          ])
        )"""
    )


def test_checkout_errors_are_announced_with_their_fields(phone, site_url, site):
    checkout_with_items(phone, site_url, site)
    phone.fill("#id_contact_name", "Nguyễn Thị Lan")
    phone.fill("#id_phone", "12")
    phone.fill("#id_email", "khong-phai-email")
    # Cash on delivery is not chosen: the payment choice is in error too.
    phone.locator("input[name=payment_method]").evaluate_all(
        "radios => radios.forEach(r => r.checked = false)"
    )
    submit_unchecked(phone, "form.checkout", phone.locator("button.button--wide"))
    errors = linked_errors(phone)
    for field in ("id_phone", "id_email", "id_street"):
        assert field in errors, errors
        assert errors[field] and "MISSING" not in errors[field], errors
    assert "radiogroup" in errors or "payment_method" in errors, errors
    payment = errors.get("radiogroup") or errors.get("payment_method")
    assert payment and "MISSING" not in payment
    # A valid field is not marked.
    assert "id_contact_name" not in errors
    # The message is read with the field when it takes focus.
    expect(phone.locator("#id_phone")).to_have_accessible_description(re.compile(r"\S"))


def test_signup_errors_are_announced_with_their_fields(phone, site_url, site):
    signup_with_errors(phone, site_url)
    errors = linked_errors(phone)
    assert "id_email" in errors and errors["id_email"], errors
    assert "id_password2" in errors or "id_password1" in errors, errors
    assert all(text and "MISSING" not in text for text in errors.values()), errors
    expect(phone.locator("#id_email")).to_have_accessible_description(re.compile(r"\S"))
