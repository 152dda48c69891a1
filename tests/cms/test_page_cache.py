"""The anonymous page cache (cms.page_cache): what it serves, to whom, and when a
change takes a page out of it."""

import http.server
import re
import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from market import stock
from market.models import Product
from producers.traceability import recall_lot
from tests.market.buying import CART_URL, add
from tests.market.factories import ProductFactory
from tests.producers.factories import LotFactory, UserFactory

pytestmark = pytest.mark.django_db

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.MARKET_PAGE_CACHE_SECONDS = 300
    settings.MARKET_CDN_CACHE_SECONDS = 60


@pytest.fixture
def tea(db):
    return ProductFactory(name="Chè búp Thanh Chương", price=150000, stock=40)


def served(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response


def test_the_second_anonymous_visit_is_served_from_the_cache_without_queries(tea):
    first = served(Client(), "/san-pham/")
    with CaptureQueriesContext(connection) as queries:
        second = served(Client(), "/san-pham/")

    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert "Chè búp Thanh Chương" in second.content.decode()


def test_each_address_and_language_is_its_own_page(tea):
    served(Client(), "/san-pham/")

    assert served(Client(), "/san-pham/?sort=price_asc")["X-Page-Cache"] == "miss"
    assert served(Client(), "/en/san-pham/")["X-Page-Cache"] == "miss"
    assert 'lang="en"' in served(Client(), "/en/san-pham/").content.decode()


def test_publishing_a_new_price_shows_on_the_product_page_and_the_list_at_once(tea):
    served(Client(), tea.get_absolute_url())
    served(Client(), "/san-pham/")

    tea.price = 175000
    tea.save_revision().publish()

    for url in (tea.get_absolute_url(), "/san-pham/"):
        page = served(Client(), url)
        assert page["X-Page-Cache"] == "miss"
        assert "175.000" in page.content.decode()


def test_a_stock_count_moving_refreshes_the_product_page_but_not_the_lists(tea):
    served(Client(), tea.get_absolute_url())
    served(Client(), "/san-pham/")

    stock.adjust(tea.pk, mode=stock.SET, quantity=3)

    product_page = served(Client(), tea.get_absolute_url())
    assert product_page["X-Page-Cache"] == "miss"
    assert "còn 3" in product_page.content.decode()
    # Lists show only whether a product is in stock, and it still is.
    assert served(Client(), "/san-pham/")["X-Page-Cache"] == "hit"


def test_selling_out_shows_on_every_list(tea):
    served(Client(), "/san-pham/")
    served(Client(), tea.cooperative.get_absolute_url())

    with transaction.atomic():
        stock.take({tea.pk: 40})

    for url in ("/san-pham/", tea.cooperative.get_absolute_url()):
        page = served(Client(), url)
        assert page["X-Page-Cache"] == "miss"
        assert "Hết hàng" in page.content.decode()


def test_units_put_back_bring_the_product_back_to_the_lists(tea):
    with transaction.atomic():
        stock.take({tea.pk: 40})
    assert "Hết hàng" in served(Client(), "/san-pham/").content.decode()

    stock.put_back({tea.pk: 5})

    assert "Hết hàng" not in served(Client(), "/san-pham/").content.decode()


def test_a_recall_shows_on_the_trace_page_and_the_product_page(tea):
    lot = LotFactory(cooperative=tea.cooperative)
    tea.lots.add(lot)
    tea.save()
    served(Client(), lot.get_absolute_url())
    served(Client(), tea.get_absolute_url())
    served(Client(), "/san-pham/")

    recall_lot(lot, reason="Dư lượng vượt ngưỡng", user=UserFactory())

    trace_page = served(Client(), lot.get_absolute_url())
    assert trace_page["X-Page-Cache"] == "miss"
    assert "Dư lượng vượt ngưỡng" in trace_page.content.decode()
    assert "đã thu hồi" in served(Client(), tea.get_absolute_url()).content.decode()
    # The recall is the lot's own news; lists of products are untouched.
    assert served(Client(), "/san-pham/")["X-Page-Cache"] == "hit"


def test_a_cached_trace_page_still_counts_every_scan(tea):
    lot = LotFactory(cooperative=tea.cooperative)

    pages = [served(Client(), lot.get_absolute_url()) for _ in range(3)]

    assert [page["X-Page-Cache"] for page in pages] == ["miss", "hit", "hit"]
    lot.refresh_from_db()
    assert lot.scan_count == 3
    assert "<dd>3</dd>" in pages[-1].content.decode()


def test_publishing_a_cms_page_refreshes_the_site(tea):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    served(Client(), "/")

    home.title = "Mùa cam Vinh 2026"
    home.save_revision().publish()

    page = served(Client(), "/")
    assert page["X-Page-Cache"] == "miss"


def test_an_import_in_bulk_refreshes_the_lists(tea):
    from market.signals import products_changed

    served(Client(), "/san-pham/")
    Product.objects.filter(pk=tea.pk).update(name="Chè xanh Nghệ An")
    products_changed.send(sender=Product, product_ids={tea.pk})

    assert "Chè xanh Nghệ An" in served(Client(), "/san-pham/").content.decode()


def test_a_visitor_with_a_cart_gets_the_cached_page_with_their_own_cart(tea):
    served(Client(), tea.get_absolute_url())
    buyer = Client()
    add(buyer, tea, 2)
    served(buyer, CART_URL)  # reads the message "added to your cart"

    page = served(buyer, tea.get_absolute_url())

    assert page["X-Page-Cache"] == "hit"
    header = page.content.decode().split("data-cart-count>")[1][:200]
    assert "1" in header
    # Another visitor, same cached page, empty cart.
    other = served(Client(), tea.get_absolute_url()).content.decode()
    assert "cart-count cart-count--empty" in other
    assert "Cache-Control" in page and "private" in page["Cache-Control"]


def test_signed_in_people_never_get_or_fill_the_cache(tea):
    user = UserFactory()
    member = Client()
    member.force_login(user)

    assert "X-Page-Cache" not in served(member, "/san-pham/")
    assert served(Client(), "/san-pham/")["X-Page-Cache"] == "miss"


def test_the_token_in_a_cached_form_is_the_visitors_own(tea):
    served(Client(), tea.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)

    page = served(visitor, tea.get_absolute_url())
    token = CSRF_VALUE.search(page.content.decode()).group(1)
    added = visitor.post(
        CART_URL,
        {
            "action": "add",
            "product": tea.pk,
            "quantity": 1,
            "csrfmiddlewaretoken": token,
        },
    )

    assert page["X-Page-Cache"] == "hit"
    assert added.status_code == 302
    assert len(visitor.session["cart"]) == 1


def test_a_message_waiting_for_the_visitor_is_not_lost(tea):
    served(Client(), tea.get_absolute_url())
    buyer = Client()

    response = add(buyer, tea, 1)
    page = buyer.get(response["Location"])

    assert "X-Page-Cache" not in page
    assert "giỏ" in page.content.decode().lower()


def test_pages_without_forms_are_public_with_an_etag_and_answer_304(tea):
    first = served(Client(), "/san-pham/")

    assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
    again = Client().get("/san-pham/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_machines_asking_for_json_ld_are_not_served_the_html(tea):
    lot = LotFactory(cooperative=tea.cooperative)
    served(Client(), lot.get_absolute_url())

    data = served(Client(), lot.get_absolute_url(), HTTP_ACCEPT="application/ld+json")

    assert data["Content-Type"].startswith("application/ld+json")


def test_switched_off_nothing_is_kept(tea, settings):
    settings.MARKET_PAGE_CACHE_SECONDS = 0

    served(Client(), "/san-pham/")

    assert "X-Page-Cache" not in served(Client(), "/san-pham/")


class PurgeRecorder(http.server.BaseHTTPRequestHandler):
    seen: list

    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def purge_server(settings):
    PurgeRecorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }
    yield PurgeRecorder.seen
    server.shutdown()


def test_a_cdn_in_front_is_told_to_purge_a_changed_product(
    tea, purge_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        stock.adjust(tea.pk, mode=stock.ADD, quantity=5)

    assert sorted(purge_server) == sorted(
        [f"/san-pham/{tea.slug}/", f"/en/san-pham/{tea.slug}/"]
    )


def test_a_shared_fragment_is_drawn_once_until_what_it_shows_changes(tea):
    from cms.page_cache import cached_fragment

    drawn = []

    def draw():
        drawn.append(1)
        return f"<ul>{tea.cooperative.name}</ul>"

    first = cached_fragment("cooperative-map", ["", ""], draw)
    again = cached_fragment("cooperative-map", ["", ""], draw)
    other_settings = cached_fragment("cooperative-map", ["Tiêu đề", ""], draw)
    assert first == again == other_settings
    assert len(drawn) == 2

    tea.cooperative.name = "HTX Chè Hạnh Lâm"
    tea.cooperative.save()

    assert cached_fragment("cooperative-map", ["", ""], draw) == (
        "<ul>HTX Chè Hạnh Lâm</ul>"
    )
    assert len(drawn) == 3


def test_the_cooperatives_map_block_is_kept_while_pages_are_not(tea, settings):
    from cms.blocks import CooperativeMapBlock

    settings.MARKET_PAGE_CACHE_SECONDS = 0
    block = CooperativeMapBlock()
    value = block.to_python({"title": "Hợp tác xã", "commune": ""})

    first = block.render(value)
    with CaptureQueriesContext(connection) as queries:
        again = block.render(value)

    assert again == first and tea.cooperative.name in first
    assert len(queries) == 0


def test_addresses_that_are_never_pages_skip_the_cache(tea):
    lot = LotFactory(cooperative=tea.cooperative)

    qr_code = f"{lot.get_absolute_url()}qr.svg"
    for url in ("/healthz", "/api/v1/products", "/robots.txt", qr_code):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "X-Page-Cache" not in response, url
