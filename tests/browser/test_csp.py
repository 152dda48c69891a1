"""Under the Content-Security-Policy, every page still works in a real browser:
nothing the pages load or run is refused (cms/security.py)."""

import pytest

from tests.browser.helpers import add_to_cart
from tests.browser.phone_shop import build_phone_shop
from tests.producers.factories import UserFactory

# Records what the browser refuses, whichever way it reports it: the
# `securitypolicyviolation` event (kept on the window) and the console.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    event.violatedDirective + " " + (event.blockedURI || "inline")
  );
});
"""


class Violations:
    """Refusals seen by one page, from the console and from the page itself."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url):
        response = self.page.goto(url)
        assert response.status == 200, url
        self.page.wait_for_load_state("networkidle")
        return response

    def seen(self) -> list[str]:
        events = self.page.evaluate("window.__cspViolations || []")
        return self.console + events


@pytest.fixture
def shop(site_url):
    return build_phone_shop()


def test_public_pages_load_and_run_under_the_policy(page, site_url, shop):
    page.set_viewport_size({"width": 1280, "height": 900})
    watch = Violations(page)
    first = watch.visit(site_url + "/")
    assert "script-src 'self'" in first.headers["content-security-policy"]

    for url in (
        "/san-pham/",
        "/tim-kiem/?q=ch%C3%A8",
        shop.product.get_absolute_url(),
        shop.lot.get_absolute_url(),
        shop.tea_coop.get_absolute_url(),
        shop.campaign.url,
        shop.news_page.url,
        "/en/san-pham/",
        "/truy-xuat/",
        "/tai-khoan/dang-nhap/",
    ):
        watch.visit(site_url + url)
    # The catalogue's own script (now a file) still opens the filters on wide
    # screens.
    watch.visit(site_url + "/san-pham/")
    assert page.locator("details[data-open-wide]").first.get_attribute("open") == ""

    # The cart's and the checkout's scripts: forms posted, fetch() for the
    # cart's body and the communes of a province.
    add_to_cart(page, site_url, shop.product, 2)
    watch.visit(site_url + "/gio-hang/")
    watch.visit(site_url + "/thanh-toan/")
    page.select_option("#id_province", "40")
    page.wait_for_function(
        "() => document.querySelectorAll('#id_commune option[value]').length > 10"
    )

    assert watch.seen() == []


def test_the_admin_works_under_its_own_policy(page, site_url, shop):
    UserFactory(username="bientap", is_staff=True, is_superuser=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    watch = Violations(page)
    watch.visit(site_url + "/admin/login/")
    page.fill("#id_username", "bientap")
    page.fill("#id_password", "password")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.wait_for_load_state("networkidle")

    product_edit = f"/admin/snippets/market/product/edit/{shop.product.pk}/"
    watch.visit(site_url + product_edit)
    assert page.locator("#id_name").input_value() == shop.product.name
    watch.visit(site_url + f"/admin/pages/{shop.news_page.pk}/edit/")
    # The page editor's live preview: the page inside a frame of the admin.
    page.locator("[data-side-panel-toggle='preview']").click()
    preview = page.frame_locator("#w-preview-iframe")
    preview.locator("h1", has_text=shop.news_page.title).wait_for()
    # An editor signed in sees the public site with Wagtail's user bar.
    watch.visit(site_url + shop.news_page.url)

    assert watch.seen() == []


def test_the_api_docs_work_under_their_policy(page, site_url, shop):
    watch = Violations(page)
    watch.visit(site_url + "/api/v1/docs")
    page.locator(".swagger-ui .info .title").wait_for()

    assert watch.seen() == []
