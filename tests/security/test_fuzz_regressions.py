"""The concrete inputs the fuzz test (tests/security/test_fuzz.py) found to break a
page, each kept as a plain test so the fix stays fixed whatever Hypothesis draws."""

import xml.etree.ElementTree as ET

import pytest

from tests.cms.site_pages import district_site, news_post
from tests.fake_stripe import event
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.market.stripe_orders import post_event
from tests.producers.factories import UserFactory
from tests.producers.lot_histories import tea_lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return district_site()


@pytest.mark.parametrize("feed", ["rss.xml", "atom.xml"])
def test_a_feed_asked_for_a_tag_with_control_characters_is_still_xml(
    client, site, feed
):
    # ?tag=%01 went into the feed's title; XML 1.0 cannot hold \x01: 500.
    news_post(site.news, "Tin chè", tags=["chè"])
    response = client.get(f"/tin-tuc/{feed}?tag=%01%02%07")
    assert response.status_code == 200
    ET.fromstring(response.content)


def test_a_feed_title_names_only_a_tag_that_exists(client, site):
    news_post(site.news, "Tin chè", tags=["chè"])
    response = client.get("/tin-tuc/rss.xml?tag=Mua+ngay+t%E1%BA%A1i+evil.example")
    title = ET.fromstring(response.content).find("channel").findtext("title")
    assert "evil.example" not in title


@pytest.mark.parametrize("target", ["<zq9x onmouseover=1>", ":", "market:cart", "x"])
def test_a_next_that_is_not_a_path_sends_the_cart_back_to_the_cart(client, target):
    # redirect() read a relative "next" as a view name: NoReverseMatch, 500.
    product = ProductFactory()
    response = client.post(
        "/gio-hang/", {"action": "add", "product": product.pk, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/gio-hang/"


@pytest.mark.parametrize("target", ["<zq9x onmouseover=1>", ":", "market:cart", "x"])
def test_a_next_that_is_not_a_path_sends_the_buyer_to_their_account(client, target):
    user = UserFactory(username="lan@example.com", email="lan@example.com")
    response = client.post(
        "/tai-khoan/dang-nhap/",
        {"username": user.username, "password": "password", "next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"


@pytest.mark.parametrize("scale", ["²", "4" * 5000, "٣"])
def test_a_qr_png_asked_for_a_scale_int_cannot_read_falls_back_to_the_default(
    client, scale
):
    # "²" and 5,000 digits passed isdigit(), then int() raised: 500.
    lot = tea_lot()
    url = f"/l/{lot.public_id}/qr.png"
    default = client.get(url).content
    response = client.get(url, {"scale": scale})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == default


# A NUL byte reached a query and PostgreSQL refused it (DataError, 500); SQLite
# takes it, so these fail only when the suite runs on PostgreSQL (DATABASE_URL).


def test_a_news_list_or_feed_asked_for_a_tag_with_nul_answers(client, site):
    news_post(site.news, "Tin chè", tags=["chè"])
    assert client.get("/tin-tuc/", {"tag": "ch\x00"}).status_code == 200
    assert client.get("/tin-tuc/rss.xml", {"tag": "ch\x00"}).status_code == 200


def test_an_order_address_with_nul_is_not_found(client):
    product = ProductFactory()
    order = place([(product, 1)])
    assert client.get("/don-hang/%00/%00/").status_code == 404
    assert client.get(f"/don-hang/{order.number}%00/x/thanh-toan/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/tai-khoan/don-hang/%00/").status_code == 404


def test_a_checkout_token_with_nul_is_no_token(client):
    product = ProductFactory()
    client.post("/gio-hang/", {"action": "add", "product": product.pk})
    response = client.post("/thanh-toan/", {"checkout_token": "\x00" * 43})
    assert response.status_code == 200
    assert response.context["form"].errors["checkout_token"]


@pytest.mark.parametrize("kind", ["products", "cooperatives"])
def test_an_api_detail_with_nul_is_not_found(client, kind):
    response = client.get(f"/api/v1/{kind}/che%00")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("payment_id", ["²", "9" * 5000])
@pytest.mark.parametrize("kind", ["checkout.session.completed", "charge.refunded"])
def test_a_signed_event_naming_a_payment_id_int_cannot_read_is_handled(
    client, payment_id, kind
):
    # isdigit() let "²" and 5,000 digits through to int(): ValueError, 500, and
    # Stripe would deliver the event again for days.
    obj = {
        "id": "cs_test_unknown",
        "object": "checkout.session" if kind.startswith("checkout") else "charge",
        "client_reference_id": "DH-000000-XXXXX",
        "metadata": {"payment_id": payment_id, "order_number": "DH-000000-XXXXX"},
        "payment_status": "paid",
    }
    response = post_event(client, event(kind, obj))
    assert response.status_code == 200


def test_a_document_address_with_thousands_of_digits_is_not_found(client):
    # Wagtail's pattern takes any run of digits; int() refuses 4,300 and more.
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(
        title="Bảng giá", file=ContentFile(b"%PDF-1.4\n", name="bang-gia.pdf")
    )
    assert client.get(f"/documents/{'9' * 5000}/bang-gia.pdf").status_code == 404
    assert client.get(f"/documents/{'9' * 19}/bang-gia.pdf").status_code == 404
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
