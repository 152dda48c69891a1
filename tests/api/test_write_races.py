"""Write API requests racing each other and buyers, each in its own connection.

PostgreSQL serialises them with row locks; SQLite with the write lock each
transaction takes when it begins (cms/settings/base.py).
"""

import pytest
from django.test import Client

from market.models import Product
from producers.models import ApiToken, Lot, TraceEvent
from producers.traceability import verify_lot
from tests.api.writing import patch, post
from tests.market.factories import ProductFactory
from tests.market.orders import place
from tests.producers.factories import CooperativeFactory, LotFactory, UserFactory
from tests.transactional import at_once

pytestmark = pytest.mark.usefixtures("committed_db")


@pytest.fixture
def token():
    cooperative = CooperativeFactory()
    return ApiToken.issue(
        cooperative=cooperative, name="Sổ nhật ký", user=UserFactory()
    )


def test_events_sent_at_once_get_consecutive_numbers_and_one_valid_chain(token):
    api_token, key = token
    lot = LotFactory(cooperative=api_token.cooperative, code="CHE-RACE-1")

    def record(step):
        return lambda: (
            post(
                Client(), f"/api/v1/me/lots/{lot.code}/events", key, {"biz_step": step}
            ).status_code
        )

    steps = ["planting", "fertilising", "irrigation", "storing"]
    outcomes = at_once(*(record(step) for step in steps))

    assert outcomes == [201] * len(steps)
    events = TraceEvent.objects.filter(lot=lot).order_by("sequence")
    assert [e.sequence for e in events] == [1, 2, 3, 4]
    assert sorted(e.biz_step for e in events) == sorted(steps)
    assert verify_lot(Lot.objects.get(pk=lot.pk)) == []


def test_a_stock_count_racing_an_order_never_erases_the_order(token):
    api_token, key = token
    tea = ProductFactory(cooperative=api_token.cooperative, stock=10)

    def count():
        return patch(
            Client(),
            f"/api/v1/me/products/{tea.slug}",
            key,
            {"stock": 30, "expected_stock": 10},
        ).status_code

    def buy():
        return place([(tea, 2)]).number

    counted, bought = at_once(count, buy)

    assert isinstance(bought, str), bought
    stock = Product.objects.values_list("stock", flat=True).get(pk=tea.pk)
    # Either the count came first and the order took 2 from it, or the order
    # came first and the count (based on 10) was refused.
    assert (counted, stock) in {(200, 28), (409, 8)}


def test_two_prices_sent_at_once_leave_the_last_one_live_and_in_its_revision(token):
    api_token, key = token
    tea = ProductFactory(cooperative=api_token.cooperative, price=150000)
    tea.save_revision().publish()

    def price(amount):
        return lambda: (
            patch(
                Client(), f"/api/v1/me/products/{tea.slug}", key, {"price": amount}
            ).status_code
        )

    assert at_once(price(160000), price(170000)) == [200, 200]
    tea = Product.objects.get(pk=tea.pk)
    assert tea.price in (160000, 170000)
    assert tea.live_revision_id == tea.latest_revision_id
    assert tea.live_revision.content["price"] == tea.price
    assert tea.revisions.count() == 3
