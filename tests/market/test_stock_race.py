"""Buyers racing for the same units, each in their own thread and connection."""

import pytest
from django.db.models import Sum

from market import ordering, stock
from market.models import Order, OrderLine, PaymentMethod, Product
from tests.market.factories import ProductFactory
from tests.market.orders import checkout_details
from tests.producers.factories import CooperativeFactory
from tests.transactional import at_once

pytestmark = pytest.mark.usefixtures("committed_db")

BUYERS = 50


def _units(product, status):
    return (
        OrderLine.objects.filter(product=product, stock_status=status).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )


def test_last_units_are_sold_once_when_fifty_buyers_race():
    tea = ProductFactory(stock=10, price=150000)
    methods = [
        PaymentMethod.CASH_ON_DELIVERY,
        PaymentMethod.BANK_TRANSFER,
    ]

    def buyer(n):
        return lambda: ordering.place_order(
            items={tea.pk: 1},
            details=checkout_details(
                methods[n % 2], contact_name=f"Người mua {n}", email=f"b{n}@example.vn"
            ),
        )

    outcomes = at_once(*[buyer(n) for n in range(BUYERS)])

    orders = [o for o in outcomes if isinstance(o, Order)]
    refused = [o for o in outcomes if isinstance(o, stock.InsufficientStock)]
    assert len(orders) == 10, outcomes
    assert len(refused) == BUYERS - 10
    tea.refresh_from_db()
    assert tea.stock == 0
    held = _units(tea, OrderLine.StockStatus.HELD)
    sold = _units(tea, OrderLine.StockStatus.SOLD)
    assert held + sold + tea.stock == 10
    assert Order.objects.count() == 10


def test_buyers_of_overlapping_carts_never_deadlock_or_oversell():
    coop_a = CooperativeFactory()
    coop_b = CooperativeFactory()
    tea = ProductFactory(cooperative=coop_a, stock=15)
    honey = ProductFactory(cooperative=coop_b, stock=15)

    def buyer(n):
        # Half list honey first, half tea first: locks are still taken in pk order.
        items = {honey.pk: 1, tea.pk: 1} if n % 2 else {tea.pk: 1, honey.pk: 1}
        return lambda: ordering.place_order(
            items=items,
            details=checkout_details(email=f"b{n}@example.vn"),
        )

    outcomes = at_once(*[buyer(n) for n in range(30)])

    placed = [o for o in outcomes if isinstance(o, Order)]
    unexpected = [
        o for o in outcomes if not isinstance(o, Order | stock.InsufficientStock)
    ]
    assert not unexpected, unexpected
    assert len(placed) == 15
    assert set(Product.objects.values_list("stock", flat=True)) == {0}


def test_expiring_the_same_order_from_many_threads_returns_its_units_once():
    tea = ProductFactory(stock=10)
    order = ordering.place_order(
        items={tea.pk: 4},
        details=checkout_details(PaymentMethod.BANK_TRANSFER),
    )

    outcomes = at_once(
        *[lambda: ordering.expire_order(order, reason="race") for _ in range(10)]
    )

    assert outcomes.count(True) == 1, outcomes
    assert outcomes.count(False) == 9
    tea.refresh_from_db()
    assert tea.stock == 10
