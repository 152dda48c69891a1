"""`manage.py lighthouse` without Lighthouse: the pages it finds and the site it serves.

Lighthouse itself is never run here (the suite downloads nothing); what is
checked is the part of cms/lighthouse.py the figures depend on: that the pages
found are the ones a buyer opens, the checkout with an item in the cart, and
that pages are gzipped as the proxy in front would.
"""

import gzip
import urllib.request

import pytest

from cms import lighthouse
from tests.browser.phone_shop import build_phone_shop


@pytest.fixture
def shop(site_url):
    return build_phone_shop()


def test_finds_a_product_with_a_lot_its_lot_and_a_checkout_with_an_item(site_url, shop):
    pages = lighthouse.find_pages(site_url)
    found = dict(pages.paths)
    assert found["home"] == "/"
    assert found["catalogue"] == "/san-pham/"
    assert found["product"] == shop.product.get_absolute_url()
    assert found["trace (lot)"] == shop.lot.get_absolute_url()
    assert found["checkout"] == "/thanh-toan/"
    # The cookie Lighthouse sends opens the checkout, not the empty cart.
    request = urllib.request.Request(site_url + "/thanh-toan/")
    request.add_header("Cookie", pages.checkout_cookie)
    with urllib.request.urlopen(request) as response:
        assert response.url.endswith("/thanh-toan/")
        assert shop.product.name in response.read().decode()


def test_pages_are_gzipped_as_the_proxy_does_and_photos_are_left_alone():
    page = b"<!DOCTYPE html><p>" + "Mật ong rừng Con Cuông. ".encode() * 100

    def site(environ, start_response):
        if environ["PATH_INFO"] == "/anh.avif":
            start_response("200 OK", [("Content-Type", "image/avif")])
            return [b"\0" * 1000]
        start_response(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"a"')],
        )
        return [page]

    app = lighthouse.gzip_pages(site)
    answers = {}

    def start_response(status, headers, exc_info=None):
        answers["status"], answers["headers"] = status, dict(headers)

    body = b"".join(
        app({"PATH_INFO": "/", "HTTP_ACCEPT_ENCODING": "gzip, br"}, start_response)
    )
    assert answers["headers"]["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == page
    assert int(answers["headers"]["Content-Length"]) == len(body) < len(page) / 10

    body = b"".join(app({"PATH_INFO": "/", "HTTP_ACCEPT_ENCODING": ""}, start_response))
    assert body == page and "Content-Encoding" not in answers["headers"]

    body = b"".join(
        app({"PATH_INFO": "/anh.avif", "HTTP_ACCEPT_ENCODING": "gzip"}, start_response)
    )
    assert len(body) == 1000 and "Content-Encoding" not in answers["headers"]


def test_the_table_leaves_photos_out_of_the_page_weight():
    report = {
        "categories": {
            "performance": {"score": 0.97},
            "accessibility": {"score": 1},
        },
        "audits": {
            "largest-contentful-paint": {"numericValue": 1234.5},
            "total-blocking-time": {"numericValue": 80},
            "cumulative-layout-shift": {"numericValue": 0.01},
            "total-byte-weight": {"numericValue": 60 * 1024},
            "network-requests": {
                "details": {
                    "items": [
                        {
                            "url": "http://h/",
                            "resourceType": "Document",
                            "transferSize": 8 * 1024,
                        },
                        {
                            "url": "http://h/static/css/site.css",
                            "resourceType": "Stylesheet",
                            "transferSize": 9 * 1024,
                        },
                        {
                            "url": "http://h/media/images/a.avif",
                            "resourceType": "Image",
                            "transferSize": 43 * 1024,
                        },
                    ]
                }
            },
        },
    }
    figures = lighthouse.figures(report)
    assert figures["performance"] == 97
    assert figures["accessibility"] == 100
    assert figures["bytes_without_photos"] == 17 * 1024
    row = lighthouse.table([("catalogue", figures)]).splitlines()[1].split()
    assert row == ["catalogue", "97", "1.2", "80", "0.010", "60", "17", "100"]
