import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from market import ordering, stock
from market.models import (
    DeliveryMethod,
    Fulfilment,
    Order,
    OrderLine,
    Payment,
    PaymentMethod,
    Product,
)
from tests.market.factories import ProductFactory
from tests.market.orders import checkout_details, place
from tests.producers.factories import CooperativeFactory, LotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cooperatives():
    tea_coop = CooperativeFactory(
        name="HTX Chè Thanh Chương", email="che@example.vn", delivery_fee=30000
    )
    orange_coop = CooperativeFactory(
        name="HTX Cam Vinh", email="cam@example.vn", delivery_fee=25000
    )
    tea = ProductFactory(cooperative=tea_coop, name="Chè búp", price=150000, stock=10)
    orange = ProductFactory(
        cooperative=orange_coop, name="Cam Vinh", price=45000, stock=50
    )
    return tea, orange


def test_one_checkout_across_two_cooperatives_makes_one_order_with_two_fulfilments(
    two_cooperatives, django_capture_on_commit_callbacks
):
    tea, orange = two_cooperatives
    with django_capture_on_commit_callbacks(execute=True):
        order = place([(tea, 2), (orange, 4)])

    assert re.fullmatch(r"DH-\d{6}-[2-9A-HJKMNP-Z]{5}", order.number)
    assert order.status == Order.Status.PLACED
    assert order.goods_total == 2 * 150000 + 4 * 45000
    assert order.delivery_total == 30000 + 25000
    assert order.total == order.goods_total + order.delivery_total
    fulfilments = {f.cooperative.name: f for f in order.fulfilments.all()}
    assert set(fulfilments) == {"HTX Chè Thanh Chương", "HTX Cam Vinh"}
    assert fulfilments["HTX Cam Vinh"].goods_total == 180000
    assert all(f.status == Fulfilment.Status.NEW for f in fulfilments.values())
    tea.refresh_from_db()
    orange.refresh_from_db()
    assert (tea.stock, orange.stock) == (8, 46)
    # Cash on delivery: the units are sold at once, nothing is merely held.
    assert set(
        OrderLine.objects.filter(fulfilment__order=order).values_list(
            "stock_status", flat=True
        )
    ) == {OrderLine.StockStatus.SOLD}
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == ["cam@example.vn", "che@example.vn", "lan@example.com"]


def test_order_lines_keep_what_the_product_was_called_and_cost(two_cooperatives):
    tea, _orange = two_cooperatives
    lot = LotFactory(cooperative=tea.cooperative, code="CHE-2611")
    tea.lots.add(lot)
    tea.save()
    order = place([(tea, 1)])
    Product.objects.filter(pk=tea.pk).update(name="Chè mới", price=999000)

    line = OrderLine.objects.get(fulfilment__order=order)
    assert (line.product_name, line.unit, line.unit_price) == ("Chè búp", "kg", 150000)
    assert (line.lot, line.lot_code) == (lot, "CHE-2611")


def test_a_short_line_in_one_cooperative_rolls_the_whole_checkout_back(
    two_cooperatives,
):
    tea, orange = two_cooperatives
    with pytest.raises(stock.InsufficientStock) as raised:
        place([(orange, 5), (tea, 11)])

    assert [s.product_id for s in raised.value.shortages] == [tea.pk]
    tea.refresh_from_db()
    orange.refresh_from_db()
    assert (tea.stock, orange.stock) == (10, 50)
    assert not Order.objects.exists()
    assert not Fulfilment.objects.exists()
    assert not OrderLine.objects.exists()


def test_minimum_order_and_unpublished_products_are_refused_with_a_message(
    two_cooperatives,
):
    tea, orange = two_cooperatives
    Product.objects.filter(pk=tea.pk).update(min_order_quantity=3)
    with pytest.raises(ordering.OrderingError) as raised:
        place([(tea, 2)])
    assert "tối thiểu 3" in str(raised.value.message)

    Product.objects.filter(pk=orange.pk).update(live=False)
    with pytest.raises(ordering.OrderingError) as raised:
        place([(orange, 1)])
    assert raised.value.code == "unavailable"
    assert not Order.objects.exists()


def test_the_same_checkout_submitted_twice_makes_one_order(two_cooperatives):
    tea, _orange = two_cooperatives
    details = checkout_details()
    first = ordering.place_order(
        items={tea.pk: 1}, details=details, checkout_token="tok-1"
    )
    second = ordering.place_order(
        items={tea.pk: 1}, details=details, checkout_token="tok-1"
    )
    assert first == second
    tea.refresh_from_db()
    assert tea.stock == 9


def test_delivery_fee_follows_the_choice_and_the_free_delivery_threshold(
    two_cooperatives,
):
    tea, orange = two_cooperatives
    orange.cooperative.free_delivery_from = 200000
    orange.cooperative.save()
    order = place(
        [(tea, 1), (orange, 5)],
        delivery={tea.cooperative_id: DeliveryMethod.PICKUP},
    )
    fees = {f.cooperative_id: f.delivery_fee for f in order.fulfilments.all()}
    assert fees == {tea.cooperative_id: 0, orange.cooperative_id: 0}
    cheaper = place([(orange, 1)])
    assert cheaper.delivery_total == 25000


def test_a_cooperative_that_only_offers_pickup_is_never_charged_delivery(
    two_cooperatives,
):
    tea, _orange = two_cooperatives
    tea.cooperative.offers_delivery = False
    tea.cooperative.save()
    order = place([(tea, 1)], delivery={tea.cooperative_id: DeliveryMethod.DELIVERY})
    fulfilment = order.fulfilments.get()
    assert fulfilment.delivery_method == DeliveryMethod.PICKUP
    assert order.delivery_total == 0


def test_card_payment_above_what_stripe_accepts_is_refused_before_anything_is_held(
    two_cooperatives, settings
):
    tea, _orange = two_cooperatives
    settings.STRIPE_MAX_AMOUNT_VND = 200000
    with pytest.raises(ordering.OrderingError) as raised:
        place([(tea, 2)], payment_method=PaymentMethod.CARD)
    assert raised.value.code == "card_amount"
    assert "chuyển khoản" in str(raised.value.message)
    tea.refresh_from_db()
    assert tea.stock == 10


def test_bank_transfer_holds_units_until_paid(two_cooperatives, settings):
    tea, _orange = two_cooperatives
    settings.MARKET_BANK_TRANSFER_HOURS = 24
    order = place([(tea, 3)], payment_method=PaymentMethod.BANK_TRANSFER)

    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.payment_due_at > timezone.now() + timedelta(hours=23)
    payment = order.payments.get()
    assert payment.reference == order.number.replace("-", "")
    assert payment.amount == order.total
    tea.refresh_from_db()
    assert tea.stock == 7

    assert ordering.mark_paid(order, amount=order.total, payment=payment) == "paid"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("placed", "paid")
    assert set(order.fulfilments.values_list("status", flat=True)) == {"new"}
    assert set(
        OrderLine.objects.filter(fulfilment__order=order).values_list(
            "stock_status", flat=True
        )
    ) == {"sold"}
    assert (
        ordering.mark_paid(order, amount=order.total, payment=payment) == "already_paid"
    )
    tea.refresh_from_db()
    assert tea.stock == 7


def test_an_unpaid_bank_transfer_expires_and_returns_its_units_exactly_once(
    two_cooperatives,
):
    tea, orange = two_cooperatives
    order = place([(tea, 3), (orange, 2)], payment_method=PaymentMethod.BANK_TRANSFER)
    later = order.payment_due_at + timedelta(minutes=1)

    assert ordering.expire_overdue_orders(now=order.payment_due_at) == 0
    assert ordering.expire_overdue_orders(now=later) == 1
    assert ordering.expire_overdue_orders(now=later) == 0
    assert ordering.expire_order(order, reason="again") is False

    tea.refresh_from_db()
    orange.refresh_from_db()
    assert (tea.stock, orange.stock) == (10, 50)
    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert order.payments.get().status == Payment.Status.EXPIRED
    assert list(order.events.values_list("action", flat=True)) == ["placed", "expired"]


def test_a_late_payment_is_kept_when_the_units_are_still_there(two_cooperatives):
    tea, _orange = two_cooperatives
    order = place([(tea, 4)], payment_method=PaymentMethod.BANK_TRANSFER)
    ordering.expire_order(order, reason="hold lapsed")

    outcome = ordering.mark_paid(
        order, amount=order.total, payment=order.payments.get()
    )

    assert outcome == "late_paid"
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("placed", "paid")
    tea.refresh_from_db()
    assert tea.stock == 6


def test_a_late_payment_for_units_sold_meanwhile_is_flagged_for_refund_not_oversold(
    two_cooperatives, django_capture_on_commit_callbacks, settings
):
    settings.MARKET_STAFF_EMAIL = "district@example.vn"
    tea, _orange = two_cooperatives
    order = place([(tea, 4)], payment_method=PaymentMethod.BANK_TRANSFER)
    ordering.expire_order(order, reason="hold lapsed")
    place([(tea, 8)])  # someone else buys the returned units

    with django_capture_on_commit_callbacks(execute=True):
        outcome = ordering.mark_paid(
            order, amount=order.total, payment=order.payments.get()
        )

    assert outcome == "refund_needed"
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert order.needs_attention
    assert set(order.fulfilments.values_list("status", flat=True)) == {"cancelled"}
    tea.refresh_from_db()
    assert tea.stock == 2
    assert any("district@example.vn" in m.to for m in mail.outbox)


def test_a_payment_of_the_wrong_amount_is_flagged_and_not_accepted(two_cooperatives):
    tea, _orange = two_cooperatives
    order = place([(tea, 1)], payment_method=PaymentMethod.BANK_TRANSFER)
    assert ordering.mark_paid(order, amount=1000, payment=None) == "amount_mismatch"
    assert ordering.mark_paid(order, amount=order.total, currency="usd") == (
        "amount_mismatch"
    )
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.payment_status == Order.PaymentStatus.UNPAID
    assert order.needs_attention


def test_a_failed_payment_frees_the_held_units(two_cooperatives):
    tea, _orange = two_cooperatives
    order = place([(tea, 2)], payment_method=PaymentMethod.BANK_TRANSFER)
    payment = order.payments.get()
    assert ordering.payment_failed(order, payment, reason="declined")
    assert not ordering.payment_failed(order, payment, reason="declined")
    tea.refresh_from_db()
    assert tea.stock == 10
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED


def test_quote_groups_lines_by_cooperative_with_subtotals_and_problems(
    two_cooperatives,
):
    tea, orange = two_cooperatives
    cart = ordering.quote({tea.pk: 12, orange.pk: 2, 999999: 1})

    assert [g.cooperative.name for g in cart.groups] == [
        "HTX Cam Vinh",
        "HTX Chè Thanh Chương",
    ]
    assert cart.groups[0].goods_total == 90000
    assert cart.groups[0].delivery_fee == 25000
    assert cart.unavailable == [999999]
    assert any("chỉ còn 10" in p for p in cart.problems)
    assert cart.total == 12 * 150000 + 90000 + 30000 + 25000


def test_publishing_an_old_revision_keeps_the_live_stock(two_cooperatives):
    tea, _orange = two_cooperatives
    revision = tea.save_revision()
    place([(tea, 3)])

    revision.publish()

    tea.refresh_from_db()
    assert tea.stock == 7


def test_expire_unpaid_orders_command_returns_units_of_overdue_transfers(
    two_cooperatives,
):
    from io import StringIO

    from django.core.management import call_command

    tea, _orange = two_cooperatives
    order = place([(tea, 3)], payment_method=PaymentMethod.BANK_TRANSFER)
    Order.objects.filter(pk=order.pk).update(
        payment_due_at=timezone.now() - timedelta(minutes=5)
    )

    out = StringIO()
    call_command("expire_unpaid_orders", "--dry-run", stdout=out)
    assert order.number in out.getvalue()
    tea.refresh_from_db()
    assert tea.stock == 7

    call_command("expire_unpaid_orders", stdout=out)
    assert "1 order(s) expired." in out.getvalue()
    tea.refresh_from_db()
    assert tea.stock == 10


def test_saving_a_product_read_before_an_order_keeps_the_order_s_decrement(
    two_cooperatives,
):
    tea, _orange = two_cooperatives
    stale = Product.objects.get(pk=tea.pk)  # an editor's form, loaded earlier
    place([(tea, 3)])

    stale.summary = "Chè mới hái"
    stale.save()

    tea.refresh_from_db()
    assert (tea.stock, tea.summary) == (7, "Chè mới hái")
