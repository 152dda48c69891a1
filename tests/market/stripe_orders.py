"""Card orders and signed webhook deliveries for the Stripe tests."""

import json
import time

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from market.models import PaymentMethod, StripeEvent
from market.payments import stripe as stripe_payments
from tests.fake_stripe import encode, sign
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.producers.factories import CooperativeFactory

SUCCESS_URL = "http://testserver/don-hang/da-thanh-toan/?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/thanh-toan/"
BUYER = "lan@example.com"


def tea_and_oranges(tea_stock=10, orange_stock=50):
    """Two cooperatives, each selling one product, both delivering for a fee."""
    tea_coop = CooperativeFactory(
        name="HTX Chè Thanh Chương", email="che@example.vn", delivery_fee=30000
    )
    orange_coop = CooperativeFactory(
        name="HTX Cam Vinh", email="cam@example.vn", delivery_fee=25000
    )
    tea = ProductFactory(
        cooperative=tea_coop, name="Chè búp", price=150000, stock=tea_stock
    )
    orange = ProductFactory(
        cooperative=orange_coop, name="Cam Vinh", price=45000, stock=orange_stock
    )
    return tea, orange


def card_order(tea, orange, tea_units=2, orange_units=4):
    return place([(tea, tea_units), (orange, orange_units)], PaymentMethod.CARD)


def start(order):
    return stripe_payments.start_checkout(
        order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL
    )


def webhook_url() -> str:
    return reverse("stripe_webhook")


def post_event(
    client: Client | None,
    event: dict,
    *,
    secret: str | None = None,
    timestamp: int | None = None,
    header: str | None = None,
    payload: str | None = None,
):
    """Deliver `event` to the webhook as Stripe would, signed with `secret`."""
    client = client or Client()
    secret = settings.STRIPE_WEBHOOK_SECRET if secret is None else secret
    body = encode(event) if payload is None else payload
    if header is None:
        header = sign(encode(event), secret, timestamp)
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
    return client.post(
        webhook_url(), data=body, content_type="application/json", **extra
    )


def deliver_until_accepted(event: dict, *, attempts: int = 200) -> list[int]:
    """Deliver like Stripe: again after a 5xx, until a 2xx; returns the statuses."""
    client = Client()
    statuses = []
    for _attempt in range(attempts):
        response = post_event(client, event)
        statuses.append(response.status_code)
        if response.status_code < 500:
            return statuses
        time.sleep(0.01)
    return statuses


def outcome(response) -> str:
    return json.loads(response.content)["outcome"]


def buyer_mails(address: str = BUYER) -> list:
    return [m for m in mail.outbox if address in m.to]


def stored_events() -> int:
    return StripeEvent.objects.count()
