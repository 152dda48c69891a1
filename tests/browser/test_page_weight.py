"""Page weight on a phone: what a first visit (empty cache) costs on mobile data.

Budget: home, catalogue, product, trace (lot) page and checkout each transfer at
most 200 KB, product photos (image responses of /media/ renditions) aside. Each
page is opened in a fresh 360 x 740 phone context, so nothing is cached;
Playwright's `requestfinished` events give each response's transferred size
(`request.sizes()`: encoded body plus headers) and the sum is checked.

What is measured is the worst case. Django's live server serves HTML and static
files uncompressed, while production compresses: WhiteNoise serves the static
files' gzip and Brotli copies, and the proxy in front may gzip HTML. So the test
also prints what the text responses weigh gzipped (level 6, what nginx uses),
and the budget is checked against the uncompressed figure; the lead copies the
printed table into docs/performance.md.

It also checks that product photos below the fold wait for scrolling
(loading="lazy") and that every picture offers sizes and a srcset, so a phone
fetches the rendition its screen needs and no larger.
"""

import gzip
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests.browser.helpers import PHONE_360, add_to_cart, phone_context
from tests.browser.phone_shop import build_phone_shop

BUDGET = 200 * 1024
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg")


def is_photo(request) -> bool:
    """A product photo: an image response from the media renditions."""
    path = urlsplit(request.url).path
    return request.resource_type == "image" and path.startswith(settings.MEDIA_URL)


class Recorder:
    """Every finished request of a page: its transferred bytes, and gzipped."""

    def __init__(self, page):
        self.rows = []
        page.on("requestfinished", self.finished)

    def finished(self, request):
        sizes = request.sizes()
        response = request.response()
        content_type = (response.header_value("content-type") or "") if response else ""
        body = sizes["responseBodySize"]
        headers = sizes["responseHeadersSize"]
        zipped = body
        if response and content_type.startswith(TEXT_TYPES):
            try:
                zipped = len(gzip.compress(response.body(), compresslevel=6))
            except Exception:  # noqa: BLE001 - a redirect has no body to read
                zipped = body
        self.rows.append(
            {
                "url": request.url,
                "photo": is_photo(request),
                "bytes": body + headers,
                "gzip": min(body, zipped) + headers,
            }
        )

    def total(self, key="bytes") -> int:
        return sum(row[key] for row in self.rows if not row["photo"])

    def photos(self) -> list[str]:
        return [row["url"] for row in self.rows if row["photo"]]

    def photo_bytes(self) -> int:
        return sum(row["bytes"] for row in self.rows if row["photo"])


@pytest.fixture
def shop(site_url):
    return build_phone_shop()


def measure(browser, url, storage_state=None):
    context = phone_context(browser, PHONE_360, storage_state=storage_state)
    page = context.new_page()
    recorder = Recorder(page)
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    figures = {
        "requests": len([r for r in recorder.rows if not r["photo"]]),
        "bytes": recorder.total(),
        "gzip": recorder.total("gzip"),
        "photos": len(recorder.photos()),
        "photo_bytes": recorder.photo_bytes(),
    }
    return context, page, recorder, figures


def pictures_without_sizes(page) -> list[str]:
    return page.eval_on_selector_all(
        "picture img",
        """imgs => imgs.filter(img => !img.getAttribute('sizes')
              || !(img.getAttribute('srcset')
                   || img.closest('picture').querySelector('source[srcset]')))
            .map(img => img.outerHTML)""",
    )


def test_each_page_a_phone_opens_first_weighs_at_most_200_kb(
    browser, site_url, shop, capsys
):
    # The cart's cookie, for a checkout with an item in it.
    context = phone_context(browser, PHONE_360)
    page = context.new_page()
    add_to_cart(page, site_url, shop.honey, 2)
    cart_state = context.storage_state()
    context.close()

    pages = [
        ("home", "/", None),
        ("catalogue", "/san-pham/", None),
        ("product", shop.product.get_absolute_url(), None),
        ("trace (lot)", shop.lot.get_absolute_url(), None),
        ("checkout", "/thanh-toan/", cart_state),
    ]
    table = []
    for name, path, state in pages:
        context, page, _recorder, figures = measure(browser, site_url + path, state)
        assert pictures_without_sizes(page) == [], name
        context.close()
        table.append((name, path, figures))

    with capsys.disabled():
        print("\n\nPage weight on a 360 px phone, first visit (photos aside)")
        print(
            f"{'page':<12} {'requests':>8} {'raw KB':>8} {'gzip KB':>8} "
            f"{'photos':>6} {'photo KB':>9}"
        )
        for name, _path, f in table:
            print(
                f"{name:<12} {f['requests']:>8} {f['bytes'] / 1024:>8.1f} "
                f"{f['gzip'] / 1024:>8.1f} {f['photos']:>6} "
                f"{f['photo_bytes'] / 1024:>9.1f}"
            )
    for name, path, figures in table:
        assert figures["bytes"] <= BUDGET, f"{name} ({path}): {figures['bytes']} B"
        assert figures["requests"] >= 2, name  # the page and its style sheet


def test_catalogue_photos_below_the_fold_wait_for_scrolling(browser, site_url, shop):
    context, page, recorder, _figures = measure(browser, site_url + "/san-pham/")
    images = page.locator(".product-grid img")
    assert images.count() == len(shop.products)
    # The first card's photo is the one a buyer sees first: no lazy loading.
    assert images.first.get_attribute("loading") != "lazy"
    assert all(
        images.nth(i).get_attribute("loading") == "lazy"
        for i in range(1, images.count())
    )
    fetched_before = set(recorder.photos())
    # The last row lies far below the first screen: its photos are not fetched yet.
    last = images.last
    assert (
        last.evaluate("img => img.getBoundingClientRect().top")
        > 3 * PHONE_360["height"]
    )
    assert not last.evaluate("img => img.complete && img.naturalWidth > 0")
    visible = len(fetched_before)
    assert 1 <= visible < len(shop.products)

    page.mouse.wheel(0, 20000)
    last.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=last.element_handle()
    )
    assert len(set(recorder.photos())) > visible
    # A card is half the screen less the gaps, 158 CSS px: at 2x the small
    # rendition (320 px wide) is enough, and that is the one fetched.
    chosen = last.evaluate("img => img.currentSrc")
    assert "fill-320x240" in chosen
    context.close()


def test_product_page_loads_the_first_photo_at_once_and_the_rest_lazily(
    browser, site_url, shop
):
    context, page, _recorder, _figures = measure(
        browser, site_url + shop.product.get_absolute_url()
    )
    gallery = page.locator(".gallery img")
    assert gallery.count() >= 3
    assert gallery.first.get_attribute("loading") != "lazy"
    assert gallery.first.evaluate("img => img.complete && img.naturalWidth > 0")
    for i in range(1, gallery.count()):
        assert gallery.nth(i).get_attribute("loading") == "lazy"
    width = gallery.first.evaluate("img => img.currentSrc")
    # 360 CSS px at 2x: the 900 px wide rendition at most, never the 1200 px one.
    assert "1200x900" not in width
    context.close()
