"""Helpers for the buyer-side tests: a cart from two cooperatives, forms, URLs."""

from django.urls import reverse

from tests.market.factories import ProductFactory
from tests.producers.factories import CooperativeFactory

CART_URL = "/gio-hang/"
CHECKOUT_URL = "/thanh-toan/"


def two_cooperatives(**tea_kwargs):
    """A tea cooperative (delivers for 30.000 ₫ or pick-up) and an orange one
    (delivery only, 25.000 ₫), each with one product."""
    tea_coop = CooperativeFactory(
        name="HTX Chè Thanh Chương",
        email="che@example.vn",
        delivery_fee=30000,
        offers_pickup=True,
        offers_delivery=True,
    )
    orange_coop = CooperativeFactory(
        name="HTX Cam Vinh",
        email="cam@example.vn",
        delivery_fee=25000,
        offers_pickup=False,
        offers_delivery=True,
    )
    tea = ProductFactory(
        cooperative=tea_coop,
        name="Chè búp",
        price=150000,
        stock=10,
        **tea_kwargs,
    )
    orange = ProductFactory(
        cooperative=orange_coop, name="Cam Vinh", price=45000, stock=50
    )
    return tea, orange


def add(client, product, quantity=1, **extra):
    data = {"action": "add", "product": product.pk, "quantity": quantity, **extra}
    return client.post(CART_URL, data)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def followed_messages(client, response) -> list[str]:
    """The messages shown on the page a POST redirected to."""
    page = client.get(response["Location"])
    return [str(m) for m in page.context["messages"]]


def checkout_data(token="t" * 43, **overrides):
    data = {
        "checkout_token": token,
        "contact_name": "Nguyễn Thị Lan",
        "phone": "0912 345.678",
        "email": "lan@example.com",
        "province": "40",
        "commune": "17254",
        "street": "Xóm 3",
        "note": "",
        "payment_method": "cod",
    }
    data.update(overrides)
    return data


def order_url(order) -> str:
    return reverse(
        "market:order_confirmation",
        kwargs={"number": order.number, "token": order.access_token},
    )
